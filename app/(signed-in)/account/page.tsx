import { orPage } from "@/app/_components/signed-in";
import { currentMember, getCaller } from "@/server/trpc/server";
import { ChangePasswordForm } from "./change-password-form";
import { LinkedSignIns } from "./linked-sign-ins";
import { MySessions } from "./my-sessions";
import { TwoFactor } from "./two-factor";

const policyText = (policy: string | null) =>
  policy === "everyone"
    ? "Your practice requires two-factor authentication for everyone."
    : policy === "admins"
      ? "Your practice requires two-factor authentication for admins; it is recommended for everyone."
      : "Two-factor authentication adds a code from your phone to your password when you sign in.";

export const dynamic = "force-dynamic";
export const metadata = { title: "Your account · CareRoster" };

export default async function AccountPage() {
  const caller = await getCaller();
  const [me, twoFactor] = await orPage(Promise.all([currentMember(), caller.me.twoFactor.status()]), "/account");
  // A member held at two-factor enrollment sees only that (every other procedure answers FORBIDDEN).
  const held = me.twoFactor.enrollmentRequired;
  const [sessions, identities] = held
    ? [[], []]
    : await orPage(Promise.all([caller.me.sessions(), caller.me.identities()]), "/account");
  return (
    <>
      <main id="main" tabIndex={-1}>
        <h1>Your account</h1>
        <p className="muted">
          {me.user.name} · {me.user.email}
        </p>
        <TwoFactor status={twoFactor} required={held} policyText={policyText(me.twoFactor.policy)} />
        {!held && (
          <>
            <ChangePasswordForm email={me.user.email} name={me.user.name} />
            <section className="card narrow" aria-labelledby="sessions-heading">
              <h2 id="sessions-heading">Where you are signed in</h2>
              <p className="muted">
                Sign out of a device you do not recognise or no longer use. Changing your password signs out every other
                device.
              </p>
              <MySessions initial={sessions} timeZone={me.org?.timeZone ?? "UTC"} />
            </section>
            <section className="card narrow" aria-labelledby="linked-heading">
              <h2 id="linked-heading">Linked practice sign-ins</h2>
              <p className="muted">
                A practice&apos;s own sign-in (single sign-on) can open your account only once you linked it with your
                password and code, or when it created your account from an invitation.
              </p>
              <LinkedSignIns initial={identities} timeZone={me.org?.timeZone ?? "UTC"} />
            </section>
          </>
        )}
      </main>
    </>
  );
}
