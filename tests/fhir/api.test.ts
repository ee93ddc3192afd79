import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fhirBase } from "@/server/fhir/http";
import { mrnSystem } from "@/server/fhir/identifiers";
import { callerFor, cookieFor, demoIds, ownerPanel, ownerSql, patientByMrn, patientIdByMrn } from "@/tests/helpers/db";
import { allPages, expectValid, fhir, ids, type Json } from "./helpers";

// The FHIR API through its route handler, as an attacker and as a client would call it: every
// answer is checked against R4, every expectation against what the owner reads in the database.

let grey: string;
let northAdmin: string;
let lakeAdmin: string;
let north: string;
let lake: string;

beforeAll(async () => {
  grey = await cookieFor("grey", "northside");
  northAdmin = await cookieFor("northAdmin", "northside");
  lakeAdmin = await cookieFor("lakeAdmin", "lakeside");
  ({ northside: north, lakeside: lake } = (await demoIds()).orgs);
});

const sortedIds = (rows: readonly Json[]) => rows.map((r) => r.id as string).sort();
const outcome = (body: Json) => {
  expect(body.resourceType).toBe("OperationOutcome");
  expectValid(body);
  return body.issue as { severity: string; code: string; diagnostics: string; location?: string[] }[];
};

describe("capability statement", () => {
  it("answers anyone with the served types, their parameters and the SMART endpoints", async () => {
    const res = await fhir("metadata");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/fhir+json; charset=utf-8");
    expectValid(res.body);
    expect(res.body).toMatchObject({ resourceType: "CapabilityStatement", fhirVersion: "4.0.1", kind: "instance" });
    const rest = res.body.rest[0];
    expect(rest.resource.map((r: Json) => r.type)).toEqual([
      "Patient",
      "Practitioner",
      "Appointment",
      "DocumentReference",
    ]);
    const patient = rest.resource.find((r: Json) => r.type === "Patient");
    expect(patient.searchParam.map((p: Json) => p.name)).toEqual(
      expect.arrayContaining(["name", "family", "given", "identifier", "birthdate", "_id", "_count"]),
    );
    const appUrl = fhirBase().replace(/\/fhir$/, "");
    const oauth = rest.security.extension.find((e: Json) => e.url.endsWith("/oauth-uris"));
    expect(oauth.url).toBe("http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris");
    expect(oauth.extension).toEqual([
      { url: "authorize", valueUri: `${appUrl}/smart/authorize` },
      { url: "token", valueUri: `${appUrl}/api/smart/token` },
      { url: "revoke", valueUri: `${appUrl}/api/smart/revoke` },
    ]);
    expect(rest.security.service[0].coding[0].code).toBe("SMART-on-FHIR");
  });
});

describe("who may call", () => {
  it("anonymous requests are 401 with an OperationOutcome and a Bearer challenge", async () => {
    const id = await patientIdByMrn("DEMO-N-0001");
    for (const path of ["Patient", `Patient/${id}`, "Appointment?patient=x", "Nothing"]) {
      const res = await fhir(path);
      expect(res.status, path).toBe(401);
      expect(res.headers.get("www-authenticate")).toMatch(/^Bearer /);
      expect(outcome(res.body)[0]!.code).toBe("login");
    }
  });

  it("a revoked session and a suspended member's session are 401; neither reads a row or writes an audit row", async () => {
    const { users } = await demoIds();
    const revoked = await cookieFor("grey", "northside");
    await ownerSql()`update sessions set revoked_at = now() where user_id = ${users.grey} and revoked_at is null
                     and created_at = (select max(created_at) from sessions where user_id = ${users.grey})`;
    const before = await auditCount();
    expect((await fhir("Patient", { cookie: revoked })).status).toBe(401);

    const suspended = await cookieFor("shepherd", "northside");
    await ownerSql()`update memberships set status = 'suspended' where user_id = ${users.shepherd} and org_id = ${north}`;
    try {
      const res = await fhir("Patient", { cookie: suspended });
      expect(res.status).toBe(401);
      expect(outcome(res.body)[0]!.code).toBe("login");
    } finally {
      await ownerSql()`update memberships set status = 'active' where user_id = ${users.shepherd} and org_id = ${north}`;
    }
    expect(await auditCount()).toBe(before);
  });

  it("reads only: other methods are 405; a cross-origin preflight may send a bearer token", async () => {
    const post = await fhir("Patient", { cookie: grey, method: "POST" });
    expect(post.status).toBe(405);
    expect(outcome(post.body)[0]!.code).toBe("not-supported");
    const pre = await fhir("Patient", { method: "OPTIONS" });
    expect(pre.status).toBe(204);
    expect(pre.headers.get("access-control-allow-headers")).toContain("authorization");
    expect(pre.headers.get("access-control-allow-credentials")).toBeNull();
  });
});

const auditCount = async () => Number((await ownerSql()`select count(*)::int as n from audit_events`)[0]!.n);

describe("Patient", () => {
  it("a clinician's unfiltered search pages through exactly their patients.list patients", async () => {
    const { resources, pages } = await allPages("Patient?_count=5", grey);
    expect(pages).toBeGreaterThan(2);
    const list: string[] = [];
    const caller = await callerFor("grey", "northside");
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<typeof caller.patients.list>> = await caller.patients.list({ cursor, limit: 7 });
      list.push(...page.items.map((p) => p.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(ids(resources)).toEqual(list.sort());
    expect(ids(resources)).toEqual(await ownerPanel("grey", "northside"));
    expect(new Set(ids(resources)).size).toBe(resources.length); // no page repeats a row
  });

  it("an admin's search is every chart of the practice, archived ones inactive; never another practice's", async () => {
    const { resources } = await allPages("Patient?_count=100", northAdmin);
    const all = await ownerSql()`select id, archived_at from patients where org_id = ${north}`;
    expect(ids(resources)).toEqual(sortedIds(all));
    const archived = new Set(all.filter((p) => p.archived_at).map((p) => p.id as string));
    for (const p of resources) expect(p.active).toBe(!archived.has(p.id));
    for (const p of resources) expect(p.identifier[0].system).toBe(mrnSystem(north));
  });

  it("previous goes back to the page before, next to the page after", async () => {
    const first = await fhir("Patient?_count=4", { cookie: grey });
    const link = (b: Json, rel: string) => b.link.find((l: Json) => l.relation === rel)?.url as string | undefined;
    expect(link(first.body, "previous")).toBeUndefined();
    const second = await fhir(link(first.body, "next")!, { cookie: grey });
    const back = await fhir(link(second.body, "previous")!, { cookie: grey });
    expect(ids(back.body.entry.map((e: Json) => e.resource))).toEqual(
      ids(first.body.entry.map((e: Json) => e.resource)),
    );
    const again = await fhir(link(back.body, "next")!, { cookie: grey });
    expect(again.body.entry.map((e: Json) => e.resource.id)).toEqual(second.body.entry.map((e: Json) => e.resource.id));
  });

  it("read: own patient 200; another practice's, an unassigned one and a missing one are the same 404", async () => {
    const own = await patientIdByMrn("DEMO-N-0001");
    const ok = await fhir(`Patient/${own}`, { cookie: grey });
    expect(ok.status).toBe(200);
    expectValid(ok.body);
    expect(ok.body).toMatchObject({ resourceType: "Patient", id: own, identifier: [{ value: "DEMO-N-0001" }] });
    const hidden = [
      await patientIdByMrn("DEMO-L-0001"),
      await patientIdByMrn("DEMO-N-0025"),
      await patientIdByMrn("DEMO-N-0018"), // shepherd's only
      "00000000-0000-4000-8000-000000000000",
      "not-an-id",
    ];
    for (const id of hidden) {
      const res = await fhir(`Patient/${id}`, { cookie: grey });
      expect(res.status, id).toBe(404);
      expect(JSON.stringify(res.body).replace(id, "ID")).toBe(
        JSON.stringify(outcome(res.body) && res.body).replace(id, "ID"),
      );
      expect(outcome(res.body)).toEqual([
        { severity: "error", code: "not-found", diagnostics: `Patient/${id} is not known.` },
      ]);
    }
  });

  it("searches by name, family, given, identifier, birthdate and _id as the owner's queries say", async () => {
    const ada = await patientByMrn("DEMO-N-0001");
    const [row] =
      await ownerSql()`select given_name, family_name, birth_date::text as b from patients where id = ${ada.id}`;
    const panel = new Set(await ownerPanel("grey", "northside"));
    const owner = async (where: (p: Json) => boolean) =>
      (
        await ownerSql()`select id, given_name, family_name, preferred_name, mrn, birth_date::text as b from patients where org_id = ${north}`
      )
        .filter((p) => panel.has(p.id) && where(p))
        .map((p) => p.id as string)
        .sort();
    const search = async (q: string) => ids((await allPages(`Patient?${q}`, grey)).resources);
    const starts = (v: string | null, t: string) =>
      !!v &&
      v
        .toLowerCase()
        .split(" ")
        .some((w) => w.startsWith(t.toLowerCase()));

    const family = String(row!.family_name).slice(0, 3).toLowerCase();
    expect(await search(`family=${family}`)).toEqual(await owner((p) => starts(p.family_name, family)));
    expect(await search(`given=${row!.given_name}`)).toEqual(
      await owner((p) => starts(p.given_name, row!.given_name) || starts(p.preferred_name, row!.given_name)),
    );
    expect(await search(`name=${row!.given_name}`)).toContain(ada.id);
    expect(await search(`family:exact=${row!.family_name}`)).toEqual(
      await owner((p) => p.family_name === row!.family_name),
    );
    expect(await search(`family:exact=${String(row!.family_name).toUpperCase()}`)).toEqual([]);
    expect(await search(`identifier=${mrnSystem(north)}|DEMO-N-0001`)).toEqual([ada.id]);
    expect(await search(`identifier=DEMO-N-0001`)).toEqual([ada.id]);
    expect(await search(`identifier=DEMO-N-0001,DEMO-N-0002`)).toEqual(
      await owner((p) => ["DEMO-N-0001", "DEMO-N-0002"].includes(p.mrn)),
    );
    expect(await search(`identifier=${mrnSystem(north)}|`)).toEqual([...panel].sort());
    expect(await search(`identifier=http://other.example/mrn|DEMO-N-0001`)).toEqual([]);
    expect(await search(`identifier=|DEMO-N-0001`)).toEqual([]);
    expect(await search(`birthdate=${row!.b}`)).toEqual(await owner((p) => p.b === row!.b));
    const year = String(row!.b).slice(0, 4);
    expect(await search(`birthdate=${year}`)).toEqual(await owner((p) => p.b.startsWith(year)));
    expect(await search(`birthdate=ge1980-01-01&birthdate=lt1990`)).toEqual(
      await owner((p) => p.b >= "1980-01-01" && p.b < "1990-01-01"),
    );
    expect(await search(`birthdate=gt1980&birthdate=le1990-06`)).toEqual(
      await owner((p) => p.b >= "1981-01-01" && p.b < "1990-07-01"),
    );
    expect(await search(`birthdate=ne${row!.b}`)).toEqual(await owner((p) => p.b !== row!.b));
    expect(await search(`_id=${ada.id},not-an-id`)).toEqual([ada.id]);
    // Another practice's patient, by every parameter that could name it, is not there.
    const other = await patientByMrn("DEMO-L-0001");
    expect(await search(`_id=${other.id}`)).toEqual([]);
    expect(await search(`identifier=${mrnSystem(lake)}|DEMO-L-0001`)).toEqual([]);
    expect(await search(`identifier=DEMO-L-0001`)).toEqual([]);
    expect(await search(`family:exact=${other.familyName}`)).toEqual([]);
  });
});

describe("Appointment", () => {
  it("by patient: own patient's visits; another practice's and a hidden patient's answer an empty Bundle", async () => {
    const ada = await patientIdByMrn("DEMO-N-0001");
    const mine = await allPages(`Appointment?patient=Patient/${ada}`, grey);
    const truth = await ownerSql()`select id from appointments where patient_id = ${ada}`;
    expect(ids(mine.resources)).toEqual(sortedIds(truth));
    expect(truth.length).toBeGreaterThan(0);
    for (const a of mine.resources) expect(a.participant[0].actor.reference).toBe(`Patient/${ada}`);
    for (const mrn of ["DEMO-L-0001", "DEMO-N-0018"]) {
      const id = await patientIdByMrn(mrn);
      const [{ n }] = await ownerSql()`select count(*)::int as n from appointments where patient_id = ${id}`;
      expect(n, `${mrn} has visits to leak`).toBeGreaterThan(0);
      for (const q of [
        `patient=${id}`,
        `patient=Patient/${id}`,
        `patient:Patient=${id}`,
        `_id=${(await ownerSql()`select id from appointments where patient_id = ${id} limit 1`)[0]!.id}`,
      ]) {
        const res = await fhir(`Appointment?${q}`, { cookie: grey });
        expect(res.status, q).toBe(200);
        expect(res.body.entry, `${mrn} ${q}`).toEqual([]);
      }
    }
    const lakeVisit = (await ownerSql()`select id from appointments where org_id = ${lake} limit 1`)[0]!.id as string;
    expect((await fhir(`Appointment/${lakeVisit}`, { cookie: grey })).status).toBe(404);
    expect((await fhir(`Appointment/${lakeVisit}`, { cookie: await cookieFor("house", "lakeside") })).status).toBe(200);
  });

  it("an unfiltered search is every visit of the clinician's patients; date prefixes, status and practitioner filter it", async () => {
    const { users } = await demoIds();
    const panel = await ownerPanel("grey", "northside");
    const visits =
      (await ownerSql()`select id, starts_at, status, clinician_id from appointments where patient_id = any(${panel}::uuid[])`) as Json[];
    const search = async (q: string) => ids((await allPages(`Appointment?${q}`, grey)).resources);
    const owner = (f: (a: Json) => boolean) =>
      visits
        .filter(f)
        .map((a) => a.id as string)
        .sort();
    expect(await search("_count=50")).toEqual(owner(() => true));
    const now = new Date();
    const iso = now.toISOString().replace(/\.\d+Z$/, "Z");
    expect(await search(`date=ge${iso}`)).toEqual(owner((a) => a.starts_at >= new Date(iso)));
    expect(await search(`date=lt${iso}`)).toEqual(owner((a) => a.starts_at < new Date(iso)));
    expect(await search(`date=gt${iso}`)).toEqual(
      owner((a) => a.starts_at.getTime() >= new Date(iso).getTime() + 1000),
    );
    expect(await search(`date=le${iso}`)).toEqual(owner((a) => a.starts_at.getTime() < new Date(iso).getTime() + 1000));
    const one = visits[0]!;
    const at = (one.starts_at as Date).toISOString();
    expect(await search(`date=${encodeURIComponent(`eq${at.replace("Z", "+00:00")}`)}`)).toEqual(
      owner((a) => a.starts_at.getTime() === one.starts_at.getTime()),
    );
    // A date without a time: whole days in the practice's time zone.
    const [{ tz }] =
      await ownerSql()`select coalesce(time_zone, current_setting('TimeZone')) as tz from organizations where id = ${north}`;
    const [{ day }] =
      await ownerSql()`select to_char(${one.starts_at as Date}::timestamptz at time zone ${tz as string}, 'YYYY-MM-DD') as day`;
    const sameDay = await ownerSql()`select id from appointments where patient_id = any(${panel}::uuid[])
      and (starts_at at time zone ${tz as string})::date = ${day as string}::date`;
    expect(await search(`date=${day}`)).toEqual(sortedIds(sameDay));
    expect(await search("status=fulfilled")).toEqual(owner((a) => a.status === "completed"));
    expect(await search("status=booked,cancelled")).toEqual(
      owner((a) => ["scheduled", "cancelled"].includes(a.status)),
    );
    expect(await search("status=http://hl7.org/fhir/appointmentstatus|noshow")).toEqual(
      owner((a) => a.status === "no_show"),
    );
    expect(await search("status=proposed")).toEqual([]);
    expect(await search(`practitioner=Practitioner/${users.shepherd}`)).toEqual(
      owner((a) => a.clinician_id === users.shepherd),
    );
    expect(await search(`practitioner=${fhirBase()}/Practitioner/${users.grey}&status=fulfilled`)).toEqual(
      owner((a) => a.clinician_id === users.grey && a.status === "completed"),
    );
  });
});

describe("DocumentReference", () => {
  it("signed notes and addenda of the caller's patients; the draft never leaves, by search or by id", async () => {
    const ada = await patientIdByMrn("DEMO-N-0001");
    const notes = await ownerSql()`select id, status, addendum_to from clinical_notes where patient_id = ${ada}`;
    const draft = notes.find((n) => n.status === "draft");
    expect(draft, "the demo's draft").toBeDefined();
    const { resources } = await allPages(`DocumentReference?patient=${ada}`, grey);
    expect(ids(resources)).toEqual(sortedIds(notes.filter((n) => n.status !== "draft")));
    const addendum = resources.find((d) => d.relatesTo);
    expect(addendum.relatesTo[0]).toEqual({
      code: "appends",
      target: { reference: `DocumentReference/${notes.find((n) => n.addendum_to)!.addendum_to}` },
    });
    expect((await fhir(`DocumentReference/${draft!.id}`, { cookie: grey })).status).toBe(404);
    const everything = await allPages("DocumentReference?_count=100", grey);
    expect(ids(everything.resources)).not.toContain(draft!.id);
    const panel = await ownerPanel("grey", "northside");
    const signed =
      await ownerSql()`select id from clinical_notes where patient_id = any(${panel}::uuid[]) and status <> 'draft'`;
    expect(ids(everything.resources)).toEqual(sortedIds(signed));
  });

  it("a hidden patient's notes are not there: by patient, by id; an admin reads no notes at all", async () => {
    const theirs = await patientIdByMrn("DEMO-N-0018"); // shepherd's only
    const [note] =
      await ownerSql()`select id from clinical_notes where patient_id = ${theirs} and status = 'signed' limit 1`;
    expect((await fhir(`DocumentReference?patient=${theirs}`, { cookie: grey })).body.entry).toEqual([]);
    expect((await fhir(`DocumentReference?subject=Patient/${theirs}`, { cookie: grey })).body.entry).toEqual([]);
    expect((await fhir(`DocumentReference/${note!.id}`, { cookie: grey })).status).toBe(404);
    expect(
      (await fhir(`DocumentReference/${note!.id}`, { cookie: await cookieFor("shepherd", "northside") })).status,
    ).toBe(200);
    expect((await fhir("DocumentReference", { cookie: northAdmin })).body.entry).toEqual([]);
    expect((await fhir(`DocumentReference/${note!.id}`, { cookie: northAdmin })).status).toBe(404);
    const lakeNote = (await ownerSql()`select id, patient_id from clinical_notes where org_id = ${lake} limit 1`)[0]!;
    expect((await fhir(`DocumentReference/${lakeNote.id}`, { cookie: grey })).status).toBe(404);
    expect((await fhir(`DocumentReference?patient=${lakeNote.patient_id}`, { cookie: grey })).body.entry).toEqual([]);
  });
});

describe("Practitioner", () => {
  it("the members of the caller's practice, never another practice's", async () => {
    const { users } = await demoIds();
    const { resources } = await allPages("Practitioner", grey);
    const members =
      await ownerSql()`select user_id as id from memberships where org_id = ${north} and status in ('active', 'suspended')`;
    expect(ids(resources)).toEqual(sortedIds(members));
    expect(ids(resources)).not.toContain(users.house);
    expect((await fhir(`Practitioner/${users.house}`, { cookie: grey })).status).toBe(404);
    expect((await fhir(`Practitioner/${users.grey}`, { cookie: grey })).body.name[0].text).toMatch(/Grey/);
    expect(ids((await allPages("Practitioner?name=grey", grey)).resources)).toEqual([users.grey]);
    expect(ids((await allPages("Practitioner?name=house", lakeAdmin)).resources)).toEqual([users.house]);
    expect((await allPages("Practitioner?name=house", grey)).resources).toEqual([]);
  });
});

describe("bad input", () => {
  it("names every bad parameter in one 400", async () => {
    const res = await fhir(
      "Appointment?date=2026-02-30&date=sa2026&date=2026-03-01T10:00&status=done&patient=Practitioner/x&_count=0&_cursor=zz",
      { cookie: grey },
    );
    expect(res.status).toBe(400);
    const issues = outcome(res.body);
    expect(issues.map((i) => i.location![0])).toEqual([
      "http.date",
      "http.date",
      "http.date",
      "http.status",
      "http.patient",
      "http._count",
      "http._cursor",
    ]);
    for (const i of issues) expect(i.diagnostics).toMatch(/^[a-z_]+: ./);
    expect((await fhir("Patient?birthdate=1980-01-01T10:00Z", { cookie: grey })).status).toBe(400);
    expect((await fhir("Patient?_count=abc", { cookie: grey })).status).toBe(400);
    const empty = await fhir("Patient?_count=&family=", { cookie: grey }); // FHIR: empty parameters are ignored
    expect(empty.status).toBe(200);
    expect(empty.body.link[0].url).toBe(`${fhirBase()}/Patient?_count=20`);
  });

  it("unknown parameters and modifiers are refused; Prefer: handling=lenient ignores unknown ones and says so", async () => {
    const strict = await fhir("Patient?gender=female&name:missing=true&_sort=name", { cookie: grey });
    expect(strict.status).toBe(400);
    expect(outcome(strict.body).map((i) => [i.code, i.location![0]])).toEqual([
      ["not-supported", "http.gender"],
      ["not-supported", "http.name:missing"],
      ["not-supported", "http._sort"],
    ]);
    const lenient = await fhir("Patient?gender=female&_sort=name&identifier=DEMO-N-0001", {
      cookie: grey,
      headers: { prefer: "handling=lenient" },
    });
    expect(lenient.status).toBe(200);
    expectValid(lenient.body);
    const [match, note] = lenient.body.entry;
    expect(match.resource.identifier[0].value).toBe("DEMO-N-0001");
    expect(note).toMatchObject({ search: { mode: "outcome" }, resource: { resourceType: "OperationOutcome" } });
    expect(note.resource.issue[0].location).toEqual(["http.gender", "http._sort"]);
    expect(lenient.body.link[0].url).toBe(`${fhirBase()}/Patient?identifier=DEMO-N-0001&_count=20`);
    expect(
      (await fhir("Patient?name:missing=true", { cookie: grey, headers: { prefer: "handling=lenient" } })).status,
    ).toBe(400);
  });

  it("_count above 100 is served as 100; an unknown type is 404; only JSON is served", async () => {
    const res = await fhir("Patient?_count=500", { cookie: northAdmin });
    expect(res.body.link[0].url).toContain("_count=100");
    const unknown = await fhir("Observation", { cookie: grey });
    expect(unknown.status).toBe(404);
    expect(outcome(unknown.body)[0]!.code).toBe("not-supported");
    expect((await fhir("Patient?_format=xml", { cookie: grey })).status).toBe(406);
    expect((await fhir("Patient?_format=json&_count=1", { cookie: grey })).status).toBe(200);
  });
});

describe("audit", () => {
  const latest = async (actor: string, action: string) =>
    (
      await ownerSql()`select * from audit_events where actor_id = ${actor} and action = ${action} order by id desc limit 1`
    )[0];

  it("a read records the resource and its patient; a search its parameter names and the patients shown", async () => {
    const { users } = await demoIds();
    const ada = await patientIdByMrn("DEMO-N-0001");
    await fhir(`Patient/${ada}`, { cookie: grey });
    expect(await latest(users.grey, "fhir.read")).toMatchObject({
      org_id: north,
      entity: "fhir_resource",
      entity_id: ada,
      patient_id: ada,
      basis: "care_team",
      detail: { resourceType: "Patient" },
    });
    const res = await fhir("Patient?family=a&_count=3", { cookie: grey });
    const shown = res.body.entry.map((e: Json) => e.resource.id);
    const row = await latest(users.grey, "fhir.search");
    expect(row).toMatchObject({
      patient_id: null,
      detail: { resourceType: "Patient", parameters: ["family"], results: shown.length, patientIds: shown },
    });
    expect(Object.keys(row!.detail.bases).sort()).toEqual([...shown].sort());
    const before = await auditCount();
    await fhir("Patient?birthdate=bad", { cookie: grey });
    await fhir(`Patient/${await patientIdByMrn("DEMO-L-0001")}`, { cookie: grey });
    expect(await auditCount()).toBe(before);
  });

  it("the admin's audit log and the patient's access report show FHIR reads and searches", async () => {
    const { users } = await demoIds();
    const ada = await patientIdByMrn("DEMO-N-0001");
    await fhir(`Appointment?patient=${ada}`, { cookie: grey });
    await fhir(`DocumentReference?patient=${ada}`, { cookie: grey });
    const admin = await callerFor("northAdmin", "northside");
    const log = await admin.admin.audit.list({ actorId: users.grey, action: "fhir.search", limit: 5 });
    expect(log.items[0]!.words).toMatchObject({
      action: "Searched through the FHIR API",
      entity: expect.stringMatching(/^FHIR DocumentReference search/),
    });
    const today = new Date().toISOString().slice(0, 10);
    const report = await admin.admin.access.report({ patientId: ada, from: today, to: today });
    const fhirRows = report.rows.filter((r) => r.action.startsWith("fhir.") && r.actorId === users.grey);
    expect(fhirRows.map((r) => r.what)).toEqual(
      expect.arrayContaining(["Read through the FHIR API", "Searched through the FHIR API"]),
    );
    expect(fhirRows.every((r) => r.basis === "care_team")).toBe(true);
  });
});

afterAll(async () => {
  const { users } = await demoIds();
  await ownerSql()`update memberships set status = 'active' where user_id = ${users.shepherd} and org_id = ${north}`;
});
