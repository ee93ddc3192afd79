import Link from "next/link";
import { TRPCError } from "@trpc/server";
import { tokenSchema } from "@/lib/schemas/accounts";
import { currentMember, getCaller } from "@/server/trpc/server";
import { DeadLink } from "@/app/(auth)/dead-link";
import { AcceptExisting, AcceptNew } from "./invite-forms";

export const dynamic = "force-dynamic";
export const metadata = { title: "Invitation · CareRoster", referrer: "no-referrer" };

const roleName = { admin: "a practice admin", clinician: "a clinician" } as const;

/** The emailed link. New email: choose a name and password. Existing account: sign in as that email, then accept. */
export default async function InvitePage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const caller = await getCaller();
  const invitation = tokenSchema.safeParse(token).success ? await caller.invitations.preview({ token }) : null;
  if (!invitation) {
    return (
      <DeadLink title="This invitation link does not work" href="/login" action="Go to sign-in">
        <p>
          It was already used, was revoked or replaced by a newer invitation, or has expired (links work for 72 hours).
        </p>
        <p>Ask your practice admin to send a new invitation.</p>
      </DeadLink>
    );
  }
  const me = invitation.accountExists
    ? await currentMember().catch((err: unknown) => {
        if (err instanceof TRPCError && err.code === "UNAUTHORIZED") return null;
        throw err;
      })
    : null;
  return (
    <>
      <h1>Join {invitation.orgName}</h1>
      <p>
        You are invited to join <strong>{invitation.orgName}</strong> on CareRoster as {roleName[invitation.role]}, with
        the email <strong>{invitation.email}</strong>.
      </p>
      {!invitation.accountExists ? (
        <AcceptNew token={token} email={invitation.email} suggestedName={invitation.name} />
      ) : me && me.user.email.toLowerCase() === invitation.email.toLowerCase() ? (
        <AcceptExisting token={token} orgName={invitation.orgName} />
      ) : me ? (
        <p className="alert" role="alert">
          You are signed in as {me.user.email}. This invitation is for {invitation.email}: sign out, then sign in with
          that email to accept it.
        </p>
      ) : (
        <>
          <p>An account already uses this email. Sign in to accept the invitation.</p>
          <p>
            <Link
              className="button"
              href={`/login?callbackUrl=${encodeURIComponent(`/invite/${token}`)}&email=${encodeURIComponent(invitation.email)}`}
            >
              Sign in to accept
            </Link>
          </p>
          <p className="muted">
            Forgot the password? <Link href="/forgot-password">Reset it</Link>, then open this link again.
          </p>
        </>
      )}
    </>
  );
}
