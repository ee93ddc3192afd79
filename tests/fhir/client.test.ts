import { CapabilityTool, Client } from "fhir-kit-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mrnSystem } from "@/server/fhir/identifiers";
import { cookieFor, demoIds, ownerPanel, ownerSql, patientIdByMrn } from "@/tests/helpers/db";
import { startRealServer, type RealServer } from "@/tests/helpers/server";
import { expectValid, ids, type Json } from "./helpers";

// A FHIR client library that is not ours (fhir-kit-client) against the real server over HTTP:
// it reads the CapabilityStatement, reads, searches and pages by the Bundles' links.

let app: RealServer;
let client: Client;

beforeAll(async () => {
  app = await startRealServer();
  client = new Client({ baseUrl: `${app.base}/fhir`, customHeaders: { cookie: await cookieFor("grey", "northside") } });
}, 600_000);

afterAll(async () => {
  await app?.stop();
});

/** What the client rejects with: the HTTP status and the body (an OperationOutcome). */
const failure = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error("expected the request to fail");
    },
    (err: { response?: { status: number; data: Json } }) => ({
      status: err.response?.status,
      body: typeof err.response?.data === "string" ? JSON.parse(err.response.data) : err.response?.data,
    }),
  );

describe("fhir-kit-client against the real server", () => {
  it("reads the capability statement and finds the SMART endpoints in it", async () => {
    const statement = (await client.capabilityStatement()) as Json;
    expectValid(statement);
    const tool = new CapabilityTool(statement);
    for (const type of ["Patient", "Practitioner", "Appointment", "DocumentReference"]) {
      expect(tool.resourceCan(type, "read"), type).toBe(true);
      expect(tool.resourceCan(type, "search-type"), type).toBe(true);
    }
    expect(tool.resourceSearch("Appointment", "date")).toBe(true);
    expect(tool.resourceSearch("Patient", "identifier")).toBe(true);
    expect(tool.resourceCan("Patient", "create")).toBe(false);
    const smart = await new Client({ baseUrl: `${app.base}/fhir` }).smartAuthMetadata();
    expect(smart.authorizeUrl?.href).toBe(`${app.base}/smart/authorize`);
    expect(smart.tokenUrl?.href).toBe(`${app.base}/api/smart/token`);
  });

  it("pages a clinician's Patient search forwards and back: exactly their patients, each valid R4", async () => {
    const seen: Json[] = [];
    const pages: Json[] = [];
    let bundle = (await client.search({ resourceType: "Patient", searchParams: { _count: 5 } })) as Json | undefined;
    while (bundle) {
      expectValid(bundle);
      pages.push(bundle);
      seen.push(...bundle.entry.map((e: Json) => e.resource));
      bundle = (await client.nextPage({ bundle })) as Json | undefined;
    }
    expect(pages.length).toBeGreaterThan(2);
    expect(ids(seen)).toEqual(await ownerPanel("grey", "northside"));
    const back = (await client.prevPage({ bundle: pages[1] })) as Json;
    expect(back.entry.map((e: Json) => e.resource.id)).toEqual(pages[0].entry.map((e: Json) => e.resource.id));
  });

  it("reads a patient and searches by MRN; another practice's patient is 404 by id and absent by parameter", async () => {
    const ada = await patientIdByMrn("DEMO-N-0001");
    const patient = (await client.read({ resourceType: "Patient", id: ada })) as Json;
    expectValid(patient);
    const { orgs } = await demoIds();
    expect(patient.identifier[0]).toMatchObject({ system: mrnSystem(orgs.northside), value: "DEMO-N-0001" });
    const byMrn = (await client.search({
      resourceType: "Patient",
      searchParams: { identifier: `${mrnSystem(orgs.northside)}|DEMO-N-0001` },
    })) as Json;
    expect(byMrn.entry.map((e: Json) => e.resource.id)).toEqual([ada]);

    const other = await patientIdByMrn("DEMO-L-0001");
    const missing = await failure(client.read({ resourceType: "Patient", id: other }));
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ resourceType: "OperationOutcome", issue: [{ code: "not-found" }] });
    const visits = (await client.search({ resourceType: "Appointment", searchParams: { patient: other } })) as Json;
    expect(visits.entry).toEqual([]);
    const [{ n }] = await ownerSql()`select count(*)::int as n from appointments where patient_id = ${other}`;
    expect(n).toBeGreaterThan(0);
  });

  it("searches appointments by date and a patient's signed notes", async () => {
    const ada = await patientIdByMrn("DEMO-N-0001");
    const upcoming = (await client.search({
      resourceType: "Appointment",
      searchParams: { patient: `Patient/${ada}`, date: `ge${new Date().toISOString().slice(0, 10)}` },
    })) as Json;
    expectValid(upcoming);
    for (const e of upcoming.entry) expect(Date.parse(e.resource.start)).toBeGreaterThan(Date.now() - 2 * 86_400_000);
    const notes = (await client.search({ resourceType: "DocumentReference", searchParams: { patient: ada } })) as Json;
    expectValid(notes);
    const signed = await ownerSql()`select id from clinical_notes where patient_id = ${ada} and status <> 'draft'`;
    expect(ids(notes.entry.map((e: Json) => e.resource))).toEqual(signed.map((r) => r.id as string).sort());
  });

  it("without a credential every resource is 401; bad parameters are 400 naming them", async () => {
    const anonymous = new Client({ baseUrl: `${app.base}/fhir` });
    const res = await failure(anonymous.search({ resourceType: "Patient" }));
    expect(res.status).toBe(401);
    expect(res.body.issue[0].code).toBe("login");
    const bad = await failure(client.search({ resourceType: "Appointment", searchParams: { date: "yesterday" } }));
    expect(bad.status).toBe(400);
    expect(bad.body.issue[0].location).toEqual(["http.date"]);
  });
});
