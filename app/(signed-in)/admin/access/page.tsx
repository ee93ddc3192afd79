import Link from "next/link";
import { orPage } from "@/app/_components/signed-in";
import { Field } from "@/app/_components/field";
import { explainInput } from "@/lib/schemas/access";
import { formatDateTime } from "@/lib/time";
import { currentMember, getCaller } from "@/server/trpc/server";

export const metadata = { title: "Who can see a patient · Admin · CareRoster" };

const DENIAL: Record<string, string> = {
  not_member: "is not a member of this practice (a different practice's account)",
  suspended: "has a suspended membership in this practice",
  invited: "has not accepted their invitation yet (membership not active)",
  archived: "cannot see archived patients (only admins can, read-only)",
  not_on_team: "is not on this patient's care team, covers no one who is, and has no emergency grant for them",
};

/**
 * "Why can this person see this patient?" — the database's answer, evaluated as that member inside a
 * rolled-back savepoint (admin.access.explain), so it is what the policies decide.
 */
export default async function ExplainPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | undefined>>;
}) {
  const { memberId, patientId } = await searchParams;
  const caller = await getCaller();
  const [me, members, patients] = await Promise.all([
    orPage(currentMember(), "/admin/access"),
    orPage(caller.admin.members.list(), "/admin/access"),
    orPage(caller.patients.list({ limit: 100, includeArchived: true }), "/admin/access"),
  ]);
  const parsed = explainInput.safeParse({ memberId, patientId });
  const fmt = { format: (d: Date) => formatDateTime(d, me.org?.timeZone ?? "UTC") };
  const result = parsed.success ? await orPage(caller.admin.access.explain(parsed.data), "/admin/access") : null;
  return (
    <>
      <h1>Who can see a patient</h1>
      <p className="muted">
        Choose a member and a patient: the database answers as that member, with the same rules the app enforces.
      </p>
      <form className="filters" method="get" aria-label="Explain access">
        <Field as="select" label="Member" name="memberId" defaultValue={memberId ?? ""} required>
          <option value="">Choose…</option>
          {members.map((m) => (
            <option key={m.userId} value={m.userId}>
              {m.name} ({m.role}
              {m.status !== "active" ? `, ${m.status}` : ""})
            </option>
          ))}
        </Field>
        <Field as="select" label="Patient" name="patientId" defaultValue={patientId ?? ""} required>
          <option value="">Choose…</option>
          {patients.items.map((p) => (
            <option key={p.id} value={p.id}>
              {p.familyName}, {p.givenName} · {p.mrn}
              {p.archivedAt ? " (archived)" : ""}
            </option>
          ))}
        </Field>
        <button type="submit">Explain</button>
      </form>
      {(memberId || patientId) && !parsed.success && <p className="alert">Choose both a member and a patient.</p>}
      {result && (
        <section
          className={`card ${result.canSee ? "explain-yes" : "explain-no"}`}
          aria-labelledby="answer"
          aria-live="polite"
        >
          <h2 id="answer">
            {result.member.name ?? "This account"} {result.canSee ? "can" : "cannot"} see {result.patient.name} now
          </h2>
          {result.canSee ? (
            <ul>
              {result.rules.map((r, i) => (
                <li key={i}>
                  {r.kind === "care_team" && <>On the care team since {fmt.format(r.since)}.</>}
                  {r.kind === "coverage" && (
                    <>
                      Covering {r.coveredName ?? "a colleague"} until {fmt.format(r.until)}.
                    </>
                  )}
                  {r.kind === "break_glass" && (
                    <>
                      Emergency access (break-glass) until {fmt.format(r.until)}; reviewed on the emergency-access page.
                    </>
                  )}
                  {r.kind === "admin" && (
                    <>Admin of the practice: demographics, care team and appointments only — no clinical notes.</>
                  )}
                </li>
              ))}
            </ul>
          ) : (
            <p>
              Not visible: {result.member.name ?? "this account"} {DENIAL[result.denial ?? "not_on_team"]}.
            </p>
          )}
          <p className="muted">
            Clinical notes: {result.clinical ? "readable" : "not readable"}. MRN {result.patient.mrn}.{" "}
            <Link href={`/admin/access-report?patientId=${result.patient.id}`}>Access report for this patient</Link>
          </p>
        </section>
      )}
    </>
  );
}
