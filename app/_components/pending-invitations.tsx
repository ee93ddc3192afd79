import { AcceptButton } from "@/app/_components/accept-invitation";
import type { RouterOutputs } from "@/server/trpc/types";

const roleName = { admin: "admin", clinician: "clinician" } as const;

/** After sign-in: invitations addressed to this account's email, each accepted only by the account holder's click. */
export function PendingInvitations({ invitations }: { invitations: RouterOutputs["invitations"]["mine"] }) {
  if (invitations.length === 0) return null;
  return (
    <section className="card invitation-banner" aria-labelledby="pending-invitations">
      <h2 id="pending-invitations">Invitations for you</h2>
      <ul className="plain">
        {invitations.map((i) => (
          <li key={i.id}>
            <span>
              <strong>{i.orgName}</strong> invites you to join as {roleName[i.role]}.
            </span>
            <AcceptButton input={{ invitationId: i.id }} label={`Accept invitation to ${i.orgName}`} />
          </li>
        ))}
      </ul>
    </section>
  );
}
