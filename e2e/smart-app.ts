import { readFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";

/**
 * A SMART app of our own for the journeys, not part of the product: two static pages on a free
 * loopback port (another origin than CareRoster) that use the SMART JavaScript client `fhirclient`
 * (its browser bundle from node_modules). `/launch.html?client_id=…` starts a standalone launch
 * against the FHIR base; `/app.html` completes it and reads the patient in context.
 */
const BUNDLE = path.join(process.cwd(), "node_modules", "fhirclient", "build", "fhir-client.js");

const page = (script: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Test SMART app</title>
<script src="/fhir-client.js"></script></head>
<body><h1>Test SMART app</h1><p id="status">Working…</p>
<script>${script}</script></body></html>`;

const launch = (fhirBase: string, scope: string) =>
  page(`const params = new URLSearchParams(location.search);
FHIR.oauth2.authorize({
  clientId: params.get("client_id"),
  scope: ${JSON.stringify(scope)},
  redirectUri: "/app.html",
  iss: ${JSON.stringify(fhirBase)},
  pkceMode: "required",
}).catch((e) => { document.getElementById("status").textContent = "Launch failed: " + e.message; });`);

const app = page(`FHIR.oauth2.ready()
  .then(async (client) => {
    const patient = await client.patient.read();
    const name = patient.name[0];
    const visits = await client.request("Appointment?patient=" + client.patient.id, { pageLimit: 0, flat: true });
    document.getElementById("status").textContent =
      "Patient: " + name.given.join(" ") + " " + name.family + "; user: " + client.getFhirUser() +
      "; appointments: " + visits.length + "; refresh token: " + (client.state.tokenResponse.refresh_token ? "yes" : "no");
  })
  .catch((e) => { document.getElementById("status").textContent = "App failed: " + e.message; });`);

export async function startSmartApp(
  fhirBase: string,
  scope: string,
): Promise<{ origin: string; close: () => Promise<void> }> {
  const bundle = await readFile(BUNDLE);
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    if (url.pathname === "/fhir-client.js") {
      res.writeHead(200, { "content-type": "text/javascript" }).end(bundle);
    } else if (url.pathname === "/launch.html") {
      res.writeHead(200, { "content-type": "text/html" }).end(launch(fhirBase, scope));
    } else if (url.pathname === "/app.html") {
      res.writeHead(200, { "content-type": "text/html" }).end(app);
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
