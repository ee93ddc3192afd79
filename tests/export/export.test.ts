import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { GET } from "@/app/api/admin/export/[type]/route";
import { EXPORT_TYPES, type ExportType } from "@/lib/schemas/export";
import { exportNdjson as ndjson } from "@/server/export/ndjson";
import { checkRow, readFhirBundle } from "@/server/patients/import-parse";
import type { callerWith } from "@/tests/helpers/db";
import { asUser, callerFor, cookieFor, demoIds, ownerSql, trpcCode } from "@/tests/helpers/db";
import { fhirErrors } from "@/tests/helpers/fhir-validator";

/** The route's stream over a caller's `admin.export.page`. */
const exportNdjson = (caller: ReturnType<typeof callerWith>, resourceType: ExportType, limit?: number) => {
  const exportId = crypto.randomUUID();
  return ndjson((after) => caller.admin.export.page({ exportId, resourceType, after, limit }));
};

type Resource = { resourceType: string; id: string } & Record<string, unknown>;

/** A download parsed back line by line: each line one JSON resource. */
async function readLines(stream: ReadableStream<Uint8Array>): Promise<Resource[]> {
  const text = await new Response(stream).text();
  if (text === "") return [];
  expect(text.endsWith("\n")).toBe(true);
  return text
    .slice(0, -1)
    .split("\n")
    .map((line) => JSON.parse(line) as Resource);
}

/** What the practice holds, by hand-written queries as the owner. */
async function groundTruth(org: string): Promise<Record<ExportType, string[]>> {
  const o = ownerSql();
  const ids = async (q: Promise<{ id: string }[]>) => (await q).map((r) => r.id).sort();
  return {
    Patient: await ids(o`select id from patients where org_id = ${org}`),
    Practitioner: await ids(
      o`select user_id as id from memberships where org_id = ${org} and status in ('active', 'suspended')`,
    ),
    Appointment: await ids(o`select id from appointments where org_id = ${org}`),
    DocumentReference: await ids(
      o`select id from clinical_notes where org_id = ${org} and status <> 'draft' and signed_at is not null`,
    ),
  };
}

describe("the practice's bulk export", () => {
  it("writes each type as valid FHIR R4 ndjson, exactly the practice's rows", async () => {
    const { orgs } = await demoIds();
    const admin = await callerFor("northAdmin", "northside");
    const truth = await groundTruth(orgs.northside);
    const other = await groundTruth(orgs.lakeside);
    for (const type of EXPORT_TYPES) {
      const resources = await readLines(await exportNdjson(admin, type));
      expect(resources.every((r) => r.resourceType === type)).toBe(true);
      expect(resources.map((r) => r.id).sort()).toEqual(truth[type]);
      expect(resources.length).toBeGreaterThan(0);
      // Locum works in both practices: the one Practitioner both exports may share.
      const leaked = resources.filter((r) => other[type].includes(r.id) && type !== "Practitioner");
      expect(leaked).toEqual([]);
      for (const r of resources) expect(fhirErrors(r)).toEqual([]);
    }
  });

  it("an exported Patient file reads back through the roster import as a Bundle", async () => {
    const admin = await callerFor("northAdmin", "northside");
    const patients = await readLines(await exportNdjson(admin, "Patient"));
    const bundle = { resourceType: "Bundle", type: "collection", entry: patients.map((resource) => ({ resource })) };
    const rows = readFhirBundle(JSON.stringify(bundle)).map(checkRow);
    expect(rows.filter((r) => !r.ok)).toEqual([]);
    const mrns = (await ownerSql()`select mrn from patients where id in ${ownerSql()(patients.map((p) => p.id))}`).map(
      (r) => r.mrn as string,
    );
    expect(rows.map((r) => (r.ok ? r.row.mrn : null)).sort()).toEqual(mrns.sort());
  });

  it("notes leave as facts without their text", async () => {
    const admin = await callerFor("northAdmin", "northside");
    const notes = await readLines(await exportNdjson(admin, "DocumentReference"));
    const bodies = (
      await ownerSql()`select body from clinical_notes where id in ${ownerSql()(notes.map((n) => n.id))}`
    ).map((r) => r.body as string);
    const text = JSON.stringify(notes);
    for (const body of bodies) {
      expect(text).not.toContain(body);
      expect(text).not.toContain(Buffer.from(body).toString("base64"));
    }
    const [note] = notes as unknown as {
      content: { attachment: Record<string, unknown> }[];
      subject: { reference: string };
    }[];
    expect(Object.keys(note.content[0].attachment).sort()).toEqual(["contentType", "creation", "title"]);
    expect(note.subject.reference).toMatch(/^Patient\/[0-9a-f-]{36}$/);
  });

  it("reads a page at a time as the client takes them, each page audited with the patients it named", async () => {
    const admin = await callerFor("northAdmin", "northside");
    const before = (await ownerSql()`select coalesce(max(id), 0) as id from audit_events`)[0].id as string;
    const pages = async () =>
      (
        await ownerSql()`select detail from audit_events where action = 'practice.export' and id > ${before} order by id`
      ).map((r) => r.detail as { exportId: string; count: number; patientIds: string[] });
    const stream = await exportNdjson(admin, "Patient", 3);
    // The first page only, until the client reads.
    expect((await pages()).length).toBe(1);
    // Each read hands over a page and fetches the next one: never more than a page ahead.
    const reader = stream.getReader();
    const first = await reader.read();
    const second = await reader.read();
    expect([2, 3]).toContain((await pages()).length);
    let text = new TextDecoder().decode(first.value) + new TextDecoder().decode(second.value);
    expect(text.split("\n").filter(Boolean).length).toBe(6);
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read())
      text += new TextDecoder().decode(chunk.value);
    const rest = text.trim().split("\n").slice(6);
    const all = await pages();
    expect(new Set(all.map((p) => p.exportId)).size).toBe(1);
    const named = all.flatMap((p) => p.patientIds);
    expect(new Set(named).size).toBe(named.length);
    expect(named.length).toBe(rest.length + 6);
    expect(all.every((p) => p.count === p.patientIds.length && p.count <= 3)).toBe(true);
    const { orgs } = await demoIds();
    expect(named.sort()).toEqual((await groundTruth(orgs.northside)).Patient);
    // Each patient's access report lists the downloads (this file's, folded into one line a run).
    const day = new Date().toISOString().slice(0, 10);
    const report = await admin.admin.access.report({ patientId: named[0], from: day, to: day });
    expect(report.rows.map((r) => r.what).join("\n")).toMatch(/^Exported the practice's data \(FHIR ndjson\)/m);
  });

  it("answers over HTTP as application/fhir+ndjson, and refuses a clinician and a stranger", async () => {
    const res = await GET(
      new Request("http://localhost/api/admin/export/Practitioner", {
        headers: { cookie: await cookieFor("lakeAdmin", "lakeside") },
      }),
      { params: Promise.resolve({ type: "Practitioner" }) },
    );
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/fhir+ndjson");
    expect(res.headers.get("content-disposition")).toMatch(
      /^attachment; filename="careroster-\d{4}-\d\d-\d\d-Practitioner\.ndjson"$/,
    );
    const { users } = await demoIds();
    const ids = (await readLines(res.body!)).map((r) => r.id).sort();
    expect(ids).toEqual([users.house, users.lakeAdmin, users.locum].sort());
    const grey = await GET(
      new Request("http://localhost/api/admin/export/Patient", {
        headers: { cookie: await cookieFor("grey", "northside") },
      }),
      { params: Promise.resolve({ type: "Patient" }) },
    );
    expect(grey.status).toBe(403);
    const anonymous = await GET(new Request("http://localhost/api/admin/export/Patient"), {
      params: Promise.resolve({ type: "Patient" }),
    });
    expect(anonymous.status).toBe(401);
    const unknown = await GET(new Request("http://localhost/api/admin/export/Observation"), {
      params: Promise.resolve({ type: "Observation" }),
    });
    expect(unknown.status).toBe(404);
  });

  it("the notes' facts answer an admin of the practice only", async () => {
    const { orgs } = await demoIds();
    const grey = await callerFor("grey", "northside");
    expect(
      await trpcCode(grey.admin.export.page({ exportId: crypto.randomUUID(), resourceType: "DocumentReference" })),
    ).toBe("FORBIDDEN");
    const facts = (user: "grey" | "lakeAdmin" | "northAdmin", org: "northside" | "lakeside") =>
      asUser(user, org, async (tx) =>
        (
          await tx.execute<{ id: string; org: string }>(sql`select n.id from app_export_signed_notes(null, 1000) n`)
        ).map((r) => r.id),
      );
    // The function itself, called as a clinician: nothing, although grey may read some of these notes.
    expect(await facts("grey", "northside")).toEqual([]);
    const lake = await facts("lakeAdmin", "lakeside");
    expect(lake.sort()).toEqual((await groundTruth(orgs.lakeside)).DocumentReference);
    // No body column to ask for, and PUBLIC may not call it.
    const [{ cols }] = await ownerSql()`select array_agg(a) as cols from (
      select unnest(proargnames) a from pg_proc where proname = 'app_export_signed_notes') x`;
    expect(cols).not.toContain("body");
    const [{ pub }] = await ownerSql()`
      select has_function_privilege('public', 'app_export_signed_notes(uuid, integer)', 'EXECUTE') as pub`;
    expect(pub).toBe(false);
  });
});
