import { GET, OPTIONS, POST } from "@/app/fhir/[[...path]]/route";
import { fhirBase } from "@/server/fhir/http";
import { codeErrors, fhirErrors } from "@/tests/helpers/fhir-validator";

/** FHIR JSON as the tests read it (its shape is what they assert). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any FHIR resource
export type Json = any;

/** A FHIR response as a test reads it. */
export interface FhirAnswer {
  status: number;
  headers: Headers;
  body: Json;
}

const handlers = { GET, POST, OPTIONS: () => OPTIONS() };

/**
 * A request through the app's /fhir route handler (the session cookie read as in production).
 * `path` is relative to the API's base (`Patient?name=x`) or an absolute link from a Bundle.
 */
export async function fhir(
  path: string,
  opts: { cookie?: string; headers?: Record<string, string>; method?: keyof typeof handlers } = {},
): Promise<FhirAnswer> {
  const url = new URL(path.startsWith("http") ? path : `${fhirBase()}/${path}`);
  const segments = url.pathname
    .replace(/^\/fhir\/?/, "")
    .split("/")
    .filter(Boolean);
  const method = opts.method ?? "GET";
  const request = new Request(url, {
    method,
    headers: { ...(opts.cookie && { cookie: opts.cookie }), ...opts.headers },
  });
  const res = await handlers[method](request, { params: Promise.resolve({ path: segments }) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
}

/** Every page of a search, by the Bundles' next links; each Bundle and resource checked against R4. */
export async function allPages(path: string, cookie: string): Promise<{ resources: Json[]; pages: number }> {
  const resources: Json[] = [];
  let next: string | undefined = path;
  let pages = 0;
  while (next) {
    const res = await fhir(next, { cookie });
    if (res.status !== 200) throw new Error(`${next}: ${res.status} ${JSON.stringify(res.body)}`);
    expectValid(res.body);
    pages++;
    for (const e of res.body.entry ?? []) if (e.search.mode === "match") resources.push(e.resource);
    next = res.body.link.find((l: { relation: string }) => l.relation === "next")?.url;
  }
  return { resources, pages };
}

/** The resource, and every resource in a Bundle, is valid FHIR R4 with known codes. */
export function expectValid(resource: { resourceType: string; entry?: { resource: { resourceType: string } }[] }) {
  const check = (r: { resourceType: string }) => [...fhirErrors(r), ...codeErrors(r)];
  const errors = [...check(resource), ...(resource.entry ?? []).flatMap((e) => check(e.resource))];
  if (errors.length > 0) throw new Error(`invalid ${resource.resourceType}: ${errors.join("; ")}`);
}

export const ids = (resources: { id: string }[]) => resources.map((r) => r.id).sort();
