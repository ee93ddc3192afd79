import Link from "next/link";
import { orPage } from "@/app/_components/signed-in";
import { breakGlassHistoryInput } from "@/lib/schemas/break-glass";
import { formatDateTime } from "@/lib/time";
import { currentMember, getCaller } from "@/server/trpc/server";
import { GrantHistory } from "./grant-history";
import { ReviewForm } from "./review-form";

export const metadata = { title: "Emergency access · Admin · CareRoster" };

/** Pending reviews first, then every grant of the practice (newest first, keyset pages) with revoke. */
export default async function BreakGlassReviewPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | undefined>>;
}) {
  const { cursor } = await searchParams;
  const parsed = breakGlassHistoryInput.safeParse({ cursor: cursor ?? null });
  const caller = await getCaller();
  const [me, grants, history] = await orPage(
    Promise.all([
      currentMember(),
      caller.admin.breakGlass.list(),
      caller.admin.breakGlass.history(parsed.success ? parsed.data : undefined),
    ]),
    "/admin/break-glass",
  );
  const tz = me.org?.timeZone ?? "UTC";
  const at = (d: Date) => formatDateTime(d, tz);
  return (
    <>
      <h1>Emergency access review</h1>
      <section aria-labelledby="pending-heading">
        <h2 id="pending-heading">Waiting for review</h2>
        {grants.length === 0 ? (
          <p className="empty">No emergency access is waiting for review.</p>
        ) : (
          <ul className="plain" aria-label="Grants awaiting review">
            {grants.map((g) => (
              <li key={g.id} className="note card">
                <p>
                  <strong>{g.clinicianName}</strong> opened <strong>{g.patientName}</strong>{" "}
                  <span className="muted">(MRN {g.patientMrn})</span> on {at(g.grantedAt)} (until {at(g.expiresAt)}).
                </p>
                <p>Reason: {g.reason}</p>
                {g.revokedAt && (
                  <p className="muted">Access was revoked on {at(g.revokedAt)}; the review is still due.</p>
                )}
                {g.own ? (
                  <p className="flag" role="note">
                    Your own request: another admin of the practice must review it. With no other admin it stays pending
                    here.
                  </p>
                ) : (
                  <ReviewForm id={g.id} label={`${g.clinicianName} → ${g.patientName}`} />
                )}
              </li>
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="history-heading" className="spaced">
        <h2 id="history-heading">Grant history</h2>
        <p className="muted">
          Every emergency access of the practice, newest first. Revoking ends a running access at once; the grant still
          needs its review.
        </p>
        <GrantHistory timeZone={tz} items={history.items} firstPage={!parsed.success || !parsed.data.cursor} />
        <p className="actions">
          {parsed.success && parsed.data.cursor && <Link href="/admin/break-glass">Newest grants</Link>}
          {history.nextCursor && (
            <Link href={`/admin/break-glass?${new URLSearchParams({ cursor: history.nextCursor })}`}>Older grants</Link>
          )}
        </p>
      </section>
    </>
  );
}
