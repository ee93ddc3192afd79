import Link from "next/link";
import { LoginForm } from "./login-form";

export const metadata = { title: "Sign in · CareRoster" };

const messages: Record<string, string> = {
  EmailMissing: "Enter your email.",
  PasswordMissing: "Enter your password.",
  CredentialsSignin: "That email and password do not match an account.",
  Suspended: "Your membership in this practice is suspended. Contact your practice admin.",
  SessionRequired: "Please sign in to continue.",
  SessionExpired: "You were signed out after a period without activity. Please sign in again.",
  Locked: "Too many sign-in attempts. Wait 15 minutes and try again.",
  TotpLocked: "Too many wrong codes. The second step is locked for 15 minutes.",
  SsoUnverified:
    "Your practice's sign-in did not confirm that this email address is verified, so CareRoster cannot sign you in with it. Ask your IT administrator.",
  SsoNotMember: "That account is not an active member of this practice. Ask your practice admin for an invitation.",
  SsoFailed: "Signing in through your practice's sign-in did not work. Try again or use your password.",
  AccessDenied: "Signing in through your practice's sign-in was refused.",
  OAuthCallback: "Signing in through your practice's sign-in did not work. Try again or use your password.",
  OAuthSignin: "Your practice's sign-in could not be reached. Try again or use your password.",
  SsoLinkExpired: "That request to link your practice's sign-in has expired or was already used. Start again from it.",
};

const notices: Record<string, string> = {
  "account-ready": "Your account is ready. Sign in with your email and new password.",
  "password-reset": "Your password was changed. Sign in with the new one.",
  "step-up":
    "That practice needs its own sign-in. Sign in with your password (and your authentication code) to continue there.",
};

const LINK_NOTICE =
  "Your practice's sign-in asked to open an existing CareRoster account. If this is your account, sign in once with your password and authentication code to link them; we will email you that it happened. If you did not expect this, do not sign in here and tell your practice admin.";

export default async function LoginPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | undefined>>;
}) {
  const { error, callbackUrl, notice, email, link, practice } = await searchParams;
  const shown = link ? LINK_NOTICE : notice ? notices[notice] : undefined;
  return (
    <>
      <h1>Sign in to CareRoster</h1>
      {shown && (
        <p className="notice" role="status">
          {shown}
        </p>
      )}
      <LoginForm
        initialError={error ? (messages[error] ?? "Sign-in failed. Please try again.") : null}
        callbackUrl={callbackUrl}
        email={email}
        link={link}
        practice={practice}
      />
      <p>
        <Link href="/forgot-password">Forgot your password?</Link>
      </p>
    </>
  );
}
