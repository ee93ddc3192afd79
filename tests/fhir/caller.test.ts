import { describe, expect, it } from "vitest";
import { withRlsContext } from "@/server/db/context";
import { parseFhirScopes, scopeReach, type FhirCaller } from "@/server/fhir/caller";
import { readResource, searchResources } from "@/server/fhir/interactions";
import { FhirError } from "@/server/fhir/outcome";
import { FHIR_TYPES } from "@/server/fhir/types";
import { cookieOf, demoIds, newSession, ownerSql, patientIdByMrn, runtimeDb, sessionFor } from "@/tests/helpers/db";
import { fhir } from "./helpers";

// The caller and its scopes: scopes narrow what the policies allow, never widen it.

describe("SMART scopes", () => {
  const reach = (scope: string, patientId: string | null = null) => {
    const caller = { scopes: parseFhirScopes(scope), patientId };
    return (type: keyof typeof FHIR_TYPES, i: "read" | "search") => scopeReach(caller, type, i);
  };

  it("v1 and v2 scopes give read and search; writes, other types and other scopes give nothing", () => {
    expect(reach("user/*.rs")("Appointment", "search")).toBe("user");
    expect(reach("user/Patient.read")("Patient", "search")).toBe("user");
    expect(reach("user/Patient.read")("Appointment", "read")).toBeNull();
    expect(reach("user/Patient.r")("Patient", "search")).toBeNull();
    expect(reach("user/Patient.s")("Patient", "read")).toBeNull();
    expect(reach("user/Patient.cruds")("Patient", "read")).toBe("user");
    expect(reach("user/Patient.write user/Patient.cud")("Patient", "read")).toBeNull();
    expect(reach("user/Patient.sr")("Patient", "read")).toBeNull(); // v2 letters come in order
    expect(
      reach("openid fhirUser launch/patient offline_access system/*.rs user/Observation.rs")("Patient", "read"),
    ).toBeNull();
    expect(parseFhirScopes("user/Observation.rs patient/Foo.read")).toEqual([]);
  });

  it("patient/ scopes reach only with a patient in context; a user/ scope for the type reaches further", () => {
    expect(reach("patient/*.rs")("Patient", "read")).toBeNull();
    expect(reach("patient/*.rs", "p")("Patient", "read")).toBe("patient");
    expect(reach("patient/*.rs user/Practitioner.rs", "p")("Practitioner", "search")).toBe("user");
    expect(reach("patient/*.rs user/Practitioner.rs", "p")("Appointment", "search")).toBe("patient");
  });
});

describe("a patient/ caller", () => {
  /** Runs one interaction as grey with `patient/*.rs` for `patientId`, as the API's transaction does. */
  async function asPatientScope<T>(patientId: string, fn: (r: Parameters<typeof readResource>[0]) => Promise<T>) {
    const s = await sessionFor("grey", "northside");
    const caller: FhirCaller & { orgId: string } = {
      context: { kind: "session", sessionId: s.sessionId, secret: s.secret },
      userId: s.userId,
      orgId: s.orgId!,
      scopes: parseFhirScopes("patient/*.rs"),
      patientId,
      clientId: "test-app",
    };
    return withRlsContext(runtimeDb(), caller.context, (tx) =>
      fn({ tx, caller, requestId: crypto.randomUUID(), reach: "patient", base: "http://x/fhir" }),
    );
  }

  it("searches and reads only that patient's resources, though the user sees more", async () => {
    const ada = await patientIdByMrn("DEMO-N-0001");
    const other = await patientIdByMrn("DEMO-N-0002"); // grey's too
    const bundle = await asPatientScope(ada, (r) =>
      searchResources(r, FHIR_TYPES.Appointment, new URLSearchParams(), false),
    );
    const truth = await ownerSql()`select id from appointments where patient_id = ${ada}`;
    expect(bundle.entry.map((e) => (e.resource as { id: string }).id).sort()).toEqual(truth.map((t) => t.id).sort());
    const patients = await asPatientScope(ada, (r) =>
      searchResources(r, FHIR_TYPES.Patient, new URLSearchParams(), false),
    );
    expect(patients.entry.map((e) => (e.resource as { id: string }).id)).toEqual([ada]);
    const read = asPatientScope(ada, (r) => readResource(r, FHIR_TYPES.Patient, other));
    await expect(read).rejects.toBeInstanceOf(FhirError);
    await expect(read).rejects.toMatchObject({ status: 404 });
    const { users } = await demoIds();
    const [audit] =
      await ownerSql()`select detail from audit_events where actor_id = ${users.grey} and action = 'fhir.search' order by id desc limit 1`;
    expect(audit!.detail).toMatchObject({ resourceType: "Patient", app: "test-app", patientIds: [ada] });
  });

  it("never widens: a patient/ scope on a patient the user may not see finds nothing", async () => {
    const hidden = await patientIdByMrn("DEMO-N-0018"); // shepherd's only
    const bundle = await asPatientScope(hidden, (r) =>
      searchResources(r, FHIR_TYPES.Appointment, new URLSearchParams(), false),
    );
    expect(bundle.entry).toEqual([]);
    await expect(asPatientScope(hidden, (r) => readResource(r, FHIR_TYPES.Patient, hidden))).rejects.toMatchObject({
      status: 404,
    });
  });
});

describe("a session without a practice", () => {
  it("is 403: the API answers within one practice", async () => {
    const { users } = await demoIds();
    const key = await newSession(users.locum, null);
    const cookie = await cookieOf({ userId: users.locum, orgId: null, ...key });
    const res = await fhir("Patient", { cookie });
    expect(res.status).toBe(403);
    expect(res.body.issue[0].code).toBe("forbidden");
  });
});
