import { orPage } from "@/app/_components/signed-in";
import { getCaller } from "@/server/trpc/server";
import { ReviewForm } from "./review-form";

export const metadata = { title: "Break-glass review · Admin · CareRoster" };
const fmt = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });

export default async function BreakGlassReviewPage() {
  const grants = await orPage((await getCaller()).admin.breakGlass.list(), "/admin/break-glass");
  return (
    <>
      <h1>Emergency access review</h1>
      {grants.length === 0 ? (
        <p className="empty">No emergency access is waiting for review.</p>
      ) : (
        <ul className="plain" aria-label="Grants awaiting review">
          {grants.map((g) => (
            <li key={g.id} className="note card">
              <p>
                <strong>{g.clinicianName}</strong> opened <strong>{g.patientName}</strong> on {fmt.format(g.grantedAt)}{" "}
                UTC (until {fmt.format(g.expiresAt)}).
              </p>
              <p>Reason: {g.reason}</p>
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
    </>
  );
}
