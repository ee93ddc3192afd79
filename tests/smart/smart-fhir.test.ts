import { describe, expect, it } from "vitest";
import { callerWith, cookieFor, demoIds, ownerPanel, ownerSql, patientIdByMrn } from "@/tests/helpers/db";
import { allPages, fhir, ids } from "@/tests/fhir/helpers";
import { launch, registerApp } from "./helpers";

// The FHIR API called by a SMART app with its bearer token, as an attacker holding one would call it.

const bearer = (accessToken: string) => ({ headers: { authorization: `Bearer ${accessToken}` } });

describe("a bearer token at /fhir", () => {
  it("user/*.rs: a search without filters pages through exactly what the user sees; reads are audited with the app", async () => {
    const { users } = await demoIds();
    const res = await launch("grey", "northside");
    const { resources } = await allPages("Patient?_count=7", bearer(res.access_token));
    expect(ids(resources)).toEqual(await ownerPanel("grey", "northside"));
    const ada = await patientIdByMrn("DEMO-N-0001");
    expect((await fhir(`Patient/${ada}`, bearer(res.access_token))).status).toBe(200);
    const [row] = await ownerSql()`
      select detail from audit_events where actor_id = ${users.grey} and action = 'fhir.read' order by id desc limit 1`;
    expect(row.detail).toMatchObject({ resourceType: "Patient", app: res.app.clientId });
  });

  it("patient/*.rs reaches only its patient, though the user sees more", async () => {
    const ada = await patientIdByMrn("DEMO-N-0001");
    const other = await patientIdByMrn("DEMO-N-0002"); // grey's too
    const res = await launch("grey", "northside", { scope: "launch/patient patient/*.rs", patientId: ada });
    const auth = bearer(res.access_token);
    expect((await fhir(`Patient/${ada}`, auth)).status).toBe(200);
    expect((await fhir(`Patient/${other}`, auth)).status).toBe(404);
    const visits = await fhir(`Appointment?patient=${other}`, auth);
    expect(visits.status).toBe(200);
    expect(visits.body.entry ?? []).toEqual([]);
    const everything = await allPages("Patient", auth);
    expect(ids(everything.resources)).toEqual([ada]);
    // Clinicians are no patient's data: patient/*.rs reads the practice's practitioners as user/ would.
    expect((await fhir("Practitioner?_count=1", auth)).status).toBe(200);
  });

  it("scopes narrow: user/Patient.rs reads patients but not appointments or notes", async () => {
    const app = await registerApp("northside", { scopes: ["user/Patient.rs", "user/Practitioner.rs"] });
    const res = await launch("grey", "northside", { scope: "user/*.rs user/Patient.rs", app });
    expect(res.scope).toBe("user/Patient.rs");
    const auth = bearer(res.access_token);
    expect((await fhir("Patient?_count=1", auth)).status).toBe(200);
    expect((await fhir("Appointment", auth)).status).toBe(403);
    expect((await fhir("DocumentReference", auth)).status).toBe(403);
  });

  it("an expired, a revoked or an unknown token is 401 with a Bearer challenge, even beside a valid cookie", async () => {
    const res = await launch("grey", "northside");
    await ownerSql()`update smart_tokens set expires_at = now() - interval '1 second'
                     where token_hash = encode(sha256(convert_to(${res.access_token}, 'UTF8')), 'hex')`;
    const cookie = await cookieFor("grey", "northside");
    for (const auth of [`Bearer ${res.access_token}`, "Bearer not-a-token", "Basic Z3JleTpwdw==", "Bearer"]) {
      const answer = await fhir("Patient", { cookie, headers: { authorization: auth } });
      expect(answer.status, auth).toBe(401);
      expect(answer.headers.get("www-authenticate")).toMatch(/^Bearer /);
    }
  });

  it("after suspension the next request is 401, and reactivation does not revive it", async () => {
    const { users } = await demoIds();
    const res = await launch("shepherd", "northside");
    const auth = bearer(res.access_token);
    expect((await fhir("Patient?_count=1", auth)).status).toBe(200);
    await ownerSql()`update memberships set status = 'suspended' where user_id = ${users.shepherd} and org_id = (select id from organizations where slug = 'northside')`;
    try {
      expect((await fhir("Patient?_count=1", auth)).status).toBe(401);
    } finally {
      await ownerSql()`update memberships set status = 'active' where user_id = ${users.shepherd} and org_id = (select id from organizations where slug = 'northside')`;
    }
    expect((await fhir("Patient?_count=1", auth)).status).toBe(401);
  });

  it("a Northside token after the member switched to Lakeside reads Northside only; Lakeside ids are 404", async () => {
    const { orgs } = await demoIds();
    const res = await launch("locum", "northside");
    await callerWith(res.session).me.switchOrg({ orgId: orgs.lakeside });
    const auth = bearer(res.access_token);
    const { resources } = await allPages("Patient", auth);
    expect(ids(resources)).toEqual(await ownerPanel("locum", "northside"));
    const lakeside = await patientIdByMrn("DEMO-L-0001");
    expect((await fhir(`Patient/${lakeside}`, auth)).status).toBe(404);
    expect((await fhir(`Appointment?patient=${lakeside}`, auth)).body.entry ?? []).toEqual([]);
    const practitioners = await allPages("Practitioner", auth);
    const lakeOnly = await ownerSql()`
      select m.user_id from memberships m where m.org_id = ${orgs.lakeside}
        and m.user_id not in (select user_id from memberships where org_id = ${orgs.northside})`;
    const shown = new Set(ids(practitioners.resources));
    expect(lakeOnly.map((r) => r.user_id as string).filter((id) => shown.has(id))).toEqual([]);
  });
});
