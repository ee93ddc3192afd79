import { randomUUID } from "node:crypto";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { callerAs, cookieOf, newSession, ownerSql, trpcCode } from "@/tests/helpers/db";
import { fhir, type Json } from "@/tests/fhir/helpers";

// The isolation property, stated once and checked at random. fast-check generates small worlds of
// practices, members (admins and clinicians, some suspended, some in two practices), care teams,
// covers and break-glass grants in every state, archived patients and their chart rows; each world
// is written as the owner into practices of its own. Then, for random callers, what every read
// procedure answers is compared with the model of DESIGN §4 written here from the spec alone (none
// of the app's rule code is imported). A difference fails with the shrunk world.
//
// Each surface that reads patients (`Surface`) observes a world its own way and says what the
// model expects of it: the tRPC procedures, and the FHIR API through its route handler.

const RUNS = Number(process.env.ISOLATION_RUNS ?? 100);
const SEED = Number(process.env.ISOLATION_SEED ?? Math.floor(Math.random() * 2 ** 31));

type Role = "admin" | "clinician";
type Status = "active" | "suspended";
type CoverState = "active" | "expired" | "future" | "ended" | "ending";
type GrantState = "running" | "expired" | "revoked" | "reviewed" | "reviewed-expired";

interface World {
  /** Number of practices; practice i has a founding admin, user `f${i}`, who creates its patients. */
  orgs: number;
  /** Generated users `u0…`, each with memberships in one or two practices. */
  users: { memberships: { org: number; role: Role; status: Status }[] }[];
  /** `notes` are signed, `drafts` not. */
  patients: {
    org: number;
    archived: boolean;
    notes: number;
    drafts: number;
    appointments: number;
    problems: number;
  }[];
  careTeam: { user: number; patient: number }[];
  covers: { covering: number; covered: number; org: number; state: CoverState }[];
  grants: { user: number; patient: number; state: GrantState }[];
  callers: { user: number; org: number }[];
}

// ---- the model (DESIGN §4) ----------------------------------------------------------------------

const membership = (w: World, user: number, org: number) => w.users[user]?.memberships.find((m) => m.org === org);

/** Who may act in a practice: an active membership (founders are active admins of their own practice). */
function roleIn(w: World, caller: World["callers"][number]): Role | null {
  if (caller.user < 0) return -caller.user - 1 === caller.org ? "admin" : null;
  const m = membership(w, caller.user, caller.org);
  return m?.status === "active" ? m.role : null;
}

const coverRuns = (s: CoverState) => s === "active" || s === "ending";
const grantRuns = (s: GrantState) => s === "running" || s === "reviewed";

/** Patients seen clinically: on the caller's care team, on a covered colleague's team, or under a running grant; never archived. */
function clinicallyVisible(w: World, user: number, org: number): Set<number> {
  const seen = new Set<number>();
  w.patients.forEach((p, i) => {
    if (p.org !== org || p.archived) return;
    const onTeam = (u: number) => w.careTeam.some((ct) => ct.user === u && ct.patient === i);
    const covered = w.covers.some(
      (c) => c.org === org && c.covering === user && coverRuns(c.state) && onTeam(c.covered),
    );
    const granted = w.grants.some((g) => g.user === user && g.patient === i && grantRuns(g.state));
    if (onTeam(user) || covered || granted) seen.add(i);
  });
  return seen;
}

/** What DESIGN §4 lets a caller open, or null without an active membership in the practice. */
function access(w: World, caller: World["callers"][number]) {
  const role = roleIn(w, caller);
  if (!role) return null;
  const clinical = caller.user < 0 ? new Set<number>() : clinicallyVisible(w, caller.user, caller.org);
  // Admins open every chart of the practice, but see clinical content only as a clinician would.
  const opens = (i: number) => w.patients[i].org === caller.org && (role === "admin" || clinical.has(i));
  return { opens, clinical };
}

const everyPatient = (w: World) => w.patients.map((_, i) => i);
const repeat = (i: number, times: number) => Array<number>(times).fill(i);

/** What a surface answers a caller: its patient list (sorted) and, per probed patient, what its reads show. */
interface Observation<Chart> {
  list: number[] | "refused";
  charts: Record<number, "NOT_FOUND" | "refused" | Chart>;
}

type TrpcObservation = Observation<{ notes: number; appointments: number; problems: number; team: number[] }>;

function expectedTrpc(w: World, caller: World["callers"][number], probes: number[]): TrpcObservation {
  const may = access(w, caller);
  // Without an active membership in the practice the caller sees nothing, as if it were empty.
  if (!may) return { list: [], charts: Object.fromEntries(probes.map((p) => [p, "NOT_FOUND"])) };
  const list = everyPatient(w).filter((i) => may.opens(i) && !w.patients[i].archived);
  const charts: TrpcObservation["charts"] = {};
  for (const i of probes) {
    const p = w.patients[i];
    charts[i] = !may.opens(i)
      ? "NOT_FOUND"
      : {
          // The chart's note list shows drafts too.
          notes: may.clinical.has(i) ? p.notes + p.drafts : 0,
          problems: may.clinical.has(i) ? p.problems : 0,
          appointments: p.appointments,
          team: w.careTeam
            .filter((ct) => ct.patient === i)
            .map((ct) => ct.user)
            .sort((a, b) => a - b),
        };
  }
  return { list, charts };
}

/** FHIR (DESIGN §10) has no care team or problems; its chart is the Patient read, and rows come from searches. */
interface FhirObservation extends Observation<{ active: boolean }> {
  /** Appointment and DocumentReference searches without a filter: the patient of each row, sorted. */
  appointments: number[] | "refused";
  documents: number[] | "refused";
}

function expectedFhir(w: World, caller: World["callers"][number], probes: number[]): FhirObservation {
  const may = access(w, caller);
  // The API answers only an active member of the practice (401 or 403), where tRPC answers empty.
  if (!may)
    return {
      list: "refused",
      charts: Object.fromEntries(probes.map((p) => [p, "refused"])),
      appointments: "refused",
      documents: "refused",
    };
  const open = everyPatient(w).filter(may.opens);
  return {
    // Patient search shows archived charts too, as inactive.
    list: open,
    charts: Object.fromEntries(
      probes.map((i) => [i, may.opens(i) ? { active: !w.patients[i].archived } : "NOT_FOUND"]),
    ),
    appointments: open.flatMap((i) => repeat(i, w.patients[i].appointments)),
    // Drafts never leave: signed notes only, where the caller sees clinical content.
    documents: open.filter((i) => may.clinical.has(i)).flatMap((i) => repeat(i, w.patients[i].notes)),
  };
}

// ---- the world in the database ------------------------------------------------------------------

interface Ids {
  orgs: string[];
  founders: string[];
  users: string[];
  patients: string[];
  userIndex: Map<string, number>;
  patientIndex: Map<string, number>;
}

const HOUR = 3_600_000;
const at = (hours: number) => new Date(Date.now() + hours * HOUR);

/** Relations the schema cannot hold are dropped first, so the model and the database see the same world. */
function normalise(w: World): World {
  const isClinicianOf = (u: number, org: number) => membership(w, u, org)?.role === "clinician";
  const careTeam = w.careTeam.filter(
    (ct, i) =>
      isClinicianOf(ct.user, w.patients[ct.patient].org) &&
      w.careTeam.findIndex((o) => o.user === ct.user && o.patient === ct.patient) === i,
  );
  const covers = w.covers.filter(
    (c) => c.covering !== c.covered && isClinicianOf(c.covering, c.org) && isClinicianOf(c.covered, c.org),
  );
  const grants = w.grants.filter((g) => membership(w, g.user, w.patients[g.patient].org) !== undefined);
  return { ...w, careTeam, covers, grants };
}

async function write(w: World): Promise<Ids> {
  const sql = ownerSql();
  const run = randomUUID().slice(0, 8);
  const ids: Ids = {
    orgs: Array.from({ length: w.orgs }, () => randomUUID()),
    founders: Array.from({ length: w.orgs }, () => randomUUID()),
    users: w.users.map(() => randomUUID()),
    patients: w.patients.map(() => randomUUID()),
    userIndex: new Map(),
    patientIndex: new Map(),
  };
  ids.users.forEach((id, i) => ids.userIndex.set(id, i));
  ids.founders.forEach((id, i) => ids.userIndex.set(id, -i - 1));
  ids.patients.forEach((id, i) => ids.patientIndex.set(id, i));
  await sql.begin(async (tx) => {
    await tx`insert into organizations ${tx(ids.orgs.map((id, i) => ({ id, name: `Property ${run} ${i}`, slug: `prop-${run}-${i}`, mfa_policy: "off" })))}`;
    const people = [
      ...ids.founders.map((id, i) => ({ id, email: `f${i}-${run}@property.test`, name: `Founder ${i}` })),
      ...ids.users.map((id, i) => ({ id, email: `u${i}-${run}@property.test`, name: `Member ${i}` })),
    ];
    await tx`insert into users ${tx(people.map((p) => ({ ...p, password_hash: "x" })))}`;
    const memberships = [
      ...ids.founders.map((id, i) => ({ user_id: id, org_id: ids.orgs[i], role: "admin", status: "active" })),
      ...w.users.flatMap((u, i) =>
        u.memberships.map((m) => ({ user_id: ids.users[i], org_id: ids.orgs[m.org], role: m.role, status: "active" })),
      ),
    ];
    await tx`insert into memberships ${tx(memberships)}`;
    if (w.patients.length > 0)
      await tx`insert into patients ${tx(
        w.patients.map((p, i) => ({
          id: ids.patients[i],
          org_id: ids.orgs[p.org],
          mrn: `P-${run}-${i}`,
          given_name: "Prop",
          family_name: `Patient ${String(i).padStart(2, "0")}`,
          birth_date: "1970-01-01",
          created_by: ids.founders[p.org],
        })),
      )}`;
    if (w.careTeam.length > 0)
      await tx`insert into care_team ${tx(
        w.careTeam.map((ct) => {
          const org = w.patients[ct.patient].org;
          return {
            org_id: ids.orgs[org],
            clinician_id: ids.users[ct.user],
            patient_id: ids.patients[ct.patient],
            assigned_by: ids.founders[org],
          };
        }),
      )}`;
    const coverWindow: Record<CoverState, { starts_at: Date; ends_at: Date; ended_at: Date | null }> = {
      active: { starts_at: at(-1), ends_at: at(24), ended_at: null },
      expired: { starts_at: at(-48), ends_at: at(-1), ended_at: null },
      future: { starts_at: at(1), ends_at: at(24), ended_at: null },
      ended: { starts_at: at(-5), ends_at: at(24), ended_at: at(-1) },
      ending: { starts_at: at(-5), ends_at: at(24), ended_at: at(1) },
    };
    for (const c of w.covers) {
      const win = coverWindow[c.state];
      await tx`insert into coverage (org_id, covering_id, covered_id, reason, starts_at, ends_at, ended_at, ended_by, created_by)
        values (${ids.orgs[c.org]}, ${ids.users[c.covering]}, ${ids.users[c.covered]}, 'property cover',
                ${win.starts_at}, ${win.ends_at}, ${win.ended_at}, ${win.ended_at ? ids.founders[c.org] : null}, ${ids.founders[c.org]})`;
    }
    for (const g of w.grants) {
      const org = w.patients[g.patient].org;
      const expired = g.state === "expired" || g.state === "reviewed-expired";
      const reviewed = g.state === "reviewed" || g.state === "reviewed-expired";
      await tx`insert into access_grants (org_id, clinician_id, patient_id, reason, granted_at, expires_at,
                                          reviewed_by, reviewed_at, revoked_at, revoked_by)
        values (${ids.orgs[org]}, ${ids.users[g.user]}, ${ids.patients[g.patient]}, 'property break-glass reason',
                ${at(expired ? -10 : -1)}, ${at(expired ? -1 : 4)},
                ${reviewed ? ids.founders[org] : null}, ${reviewed ? at(-0.5) : null},
                ${g.state === "revoked" ? at(-0.5) : null}, ${g.state === "revoked" ? ids.founders[org] : null})`;
    }
    for (const [i, p] of w.patients.entries()) {
      const org = ids.orgs[p.org];
      const by = ids.founders[p.org];
      for (let n = 0; n < p.notes; n++)
        await tx`insert into clinical_notes (org_id, patient_id, author_id, body, status, signed_at)
          values (${org}, ${ids.patients[i]}, ${by}, 'property note', 'signed', now())`;
      for (let n = 0; n < p.drafts; n++)
        await tx`insert into clinical_notes (org_id, patient_id, author_id, body, status)
          values (${org}, ${ids.patients[i]}, ${by}, 'property draft', 'draft')`;
      for (let n = 0; n < p.appointments; n++)
        await tx`insert into appointments (org_id, patient_id, clinician_id, starts_at, ends_at, status, reason)
          values (${org}, ${ids.patients[i]}, ${by}, ${at(-100 - 2 * n)}, ${at(-99 - 2 * n)}, 'completed', 'property visit')`;
      for (let n = 0; n < p.problems; n++)
        await tx`insert into conditions (org_id, patient_id, text, recorded_by)
          values (${org}, ${ids.patients[i]}, 'property problem', ${by})`;
    }
    // Suspended last: covers and grants are made between active members.
    for (const [i, u] of w.users.entries())
      for (const m of u.memberships.filter((x) => x.status === "suspended"))
        await tx`update memberships set status = 'suspended' where user_id = ${ids.users[i]} and org_id = ${ids.orgs[m.org]}`;
  });
  // Archived after their grants were made, by the practice's admin (only an admin may archive).
  for (const [i, p] of w.patients.entries())
    if (p.archived)
      await (await callerAs(ids.founders[p.org], ids.orgs[p.org])).patients.archive({ id: ids.patients[i] });
  return ids;
}

async function remove(ids: Ids) {
  const sql = ownerSql();
  const people = [...ids.founders, ...ids.users];
  await sql.begin(async (tx) => {
    for (const table of [
      "audit_events",
      "clinical_note_versions",
      "clinical_notes",
      "conditions",
      "appointment_reminders",
      "appointments",
      "access_grants",
      "coverage",
      "care_team",
      "patients",
      "mrn_sequences",
    ])
      await tx`delete from ${tx(table)} where org_id = any(${ids.orgs})`;
    await tx`delete from sessions where user_id = any(${people})`;
    await tx`delete from memberships where org_id = any(${ids.orgs})`;
    await tx`delete from users where id = any(${people})`;
    await tx`delete from organizations where id = any(${ids.orgs})`;
  });
}

// ---- the surfaces -------------------------------------------------------------------------------

interface Surface<O = unknown> {
  name: string;
  /** How many of a world's callers, first ones first, it reads every chart for; the others only list. */
  chartsFor: number;
  observe(ids: Ids, caller: World["callers"][number], probes: number[]): Promise<O>;
  /** What the model says this surface answers. */
  expected(w: World, caller: World["callers"][number], probes: number[]): O;
}

const userIdOf = (ids: Ids, caller: World["callers"][number]) =>
  caller.user < 0 ? ids.founders[-caller.user - 1] : ids.users[caller.user];

const refusal = (code: string) => (code === "UNAUTHORIZED" || code === "FORBIDDEN" ? "refused" : code);

const trpc: Surface<TrpcObservation> = {
  name: "tRPC",
  chartsFor: Infinity,
  expected: expectedTrpc,
  async observe(ids, caller, probes) {
    const api = await callerAs(userIdOf(ids, caller), ids.orgs[caller.org]);
    const toIndex = (id: string) => ids.patientIndex.get(id) ?? -1;
    let list: TrpcObservation["list"];
    try {
      const page = await api.patients.list({ limit: 100 });
      list = page.items.map((p) => toIndex(p.id)).sort((a, b) => a - b);
    } catch (err) {
      list = refusal(await trpcCode(Promise.reject(err))) as "refused";
    }
    const charts: TrpcObservation["charts"] = {};
    for (const i of probes) {
      const id = ids.patients[i];
      const code = await trpcCode(api.patients.byId({ id }));
      if (code !== "OK") {
        charts[i] = refusal(code) as "NOT_FOUND" | "refused";
        continue;
      }
      const [notes, visits, essentials, team] = await Promise.all([
        api.notes.list({ patientId: id }),
        api.appointments.list({ patientId: id }),
        api.essentials.forChart({ patientId: id }),
        api.patients.careTeam({ id }),
      ]);
      charts[i] = {
        notes: notes.length,
        appointments: visits.past.length + visits.upcoming.length,
        problems: essentials.problems.length,
        team: team.map((t) => ids.userIndex.get(t.clinicianId) ?? -99).sort((a, b) => a - b),
      };
    }
    return { list, charts };
  },
};

// A page smaller than many answers, so searches follow the Bundles' next links.
const FHIR_PAGE = 2;

/** The /fhir route handler in-process, with the caller's session cookie, as a signed-in browser calls it. */
const fhirApi: Surface<FhirObservation> = {
  name: "FHIR",
  // Reads of every patient for the first caller of a world only (for every caller they would nearly
  // double the run); every caller's searches run.
  chartsFor: 1,
  expected: expectedFhir,
  async observe(ids, caller, probes) {
    const userId = userIdOf(ids, caller);
    const orgId = ids.orgs[caller.org];
    const cookie = await cookieOf({ userId, orgId, ...(await newSession(userId, orgId)) });
    const toIndex = (id: string) => ids.patientIndex.get(id) ?? -1;
    const refused = (status: number) => status === 401 || status === 403;
    /** Every page of a search, by the Bundles' next links: the patient of each row, sorted. */
    async function search(type: string, patientOf: (r: Json) => string): Promise<number[] | "refused"> {
      const found: number[] = [];
      for (let next: string | undefined = `${type}?_count=${FHIR_PAGE}`; next;) {
        const res = await fhir(next, { cookie });
        if (refused(res.status)) return "refused";
        if (res.status !== 200) throw new Error(`${next}: ${res.status} ${JSON.stringify(res.body)}`);
        for (const e of res.body.entry ?? []) found.push(toIndex(patientOf(e.resource)));
        next = res.body.link.find((l: Json) => l.relation === "next")?.url;
      }
      return found.sort((a, b) => a - b);
    }
    const patientRef = (ref: string) => ref.replace(/^Patient\//, "");
    const list = await search("Patient", (p) => p.id);
    const appointments = await search("Appointment", (a) =>
      patientRef(a.participant.find((x: Json) => x.actor.reference.startsWith("Patient/")).actor.reference),
    );
    const documents = await search("DocumentReference", (d) => patientRef(d.subject.reference));
    const charts: FhirObservation["charts"] = {};
    for (const i of probes) {
      const res = await fhir(`Patient/${ids.patients[i]}`, { cookie });
      if (res.status === 200) charts[i] = { active: res.body.active };
      else if (res.status === 404) charts[i] = "NOT_FOUND";
      else if (refused(res.status)) charts[i] = "refused";
      else throw new Error(`Patient/${ids.patients[i]}: ${res.status} ${JSON.stringify(res.body)}`);
    }
    return { list, charts, appointments, documents };
  },
};

const SURFACES: Surface[] = [trpc, fhirApi];

// ---- the generator ------------------------------------------------------------------------------

const world: fc.Arbitrary<World> = fc.integer({ min: 2, max: 3 }).chain((orgs) => {
  const org = fc.nat(orgs - 1);
  const member = fc.record({
    org,
    role: fc.constantFrom<Role>("clinician", "clinician", "admin"),
    status: fc.constantFrom<Status>("active", "active", "active", "suspended"),
  });
  return fc.integer({ min: 1, max: 5 }).chain((userCount) =>
    fc.integer({ min: 1, max: 8 }).chain((patientCount) => {
      const user = fc.nat(userCount - 1);
      const patient = fc.nat(patientCount - 1);
      return fc.record({
        orgs: fc.constant(orgs),
        users: fc.array(
          fc.record({ memberships: fc.uniqueArray(member, { minLength: 1, maxLength: 2, selector: (m) => m.org }) }),
          { minLength: userCount, maxLength: userCount },
        ),
        patients: fc.array(
          fc.record({
            org,
            archived: fc.boolean(),
            notes: fc.nat(2),
            drafts: fc.nat(1),
            appointments: fc.nat(1),
            problems: fc.nat(1),
          }),
          { minLength: patientCount, maxLength: patientCount },
        ),
        careTeam: fc.array(fc.record({ user, patient }), { maxLength: 8 }),
        covers: fc.array(
          fc.record({
            covering: user,
            covered: user,
            org,
            state: fc.constantFrom<CoverState>("active", "expired", "future", "ended", "ending"),
          }),
          { maxLength: 3 },
        ),
        grants: fc.array(
          fc.record({
            user,
            patient,
            state: fc.constantFrom<GrantState>("running", "expired", "revoked", "reviewed", "reviewed-expired"),
          }),
          { maxLength: 4 },
        ),
        // Founders are -1, -2, …: an admin of their own practice, calling in another one too.
        callers: fc.array(fc.record({ user: fc.integer({ min: -orgs, max: userCount - 1 }), org }), {
          minLength: 1,
          maxLength: 4,
        }),
      });
    }),
  );
});

describe("the isolation property", () => {
  const written: Ids[] = [];
  afterAll(async () => {
    for (const ids of written) await remove(ids);
  });

  it(`every read procedure answers what DESIGN §4 allows, for random worlds and callers (seed ${SEED})`, async () => {
    console.log(`isolation property: seed ${SEED}, ${RUNS} runs (ISOLATION_SEED=${SEED} replays them)`);
    await fc.assert(
      fc.asyncProperty(world.map(normalise), async (w) => {
        const ids = await write(w);
        written.push(ids);
        // Every patient of every practice is probed: another practice's ids must answer NOT_FOUND.
        const probes = w.patients.map((_, i) => i);
        for (const [n, caller] of w.callers.entries())
          for (const surface of SURFACES) {
            const charts = n < surface.chartsFor ? probes : [];
            expect({ surface: surface.name, caller, answer: await surface.observe(ids, caller, charts) }).toEqual({
              surface: surface.name,
              caller,
              answer: surface.expected(w, caller, charts),
            });
          }
      }),
      { numRuns: RUNS, seed: SEED },
    );
  }, 300_000);
});
