import { LoginForm } from "./login-form";

export const metadata = { title: "Sign in · CareRoster" };

const messages: Record<string, string> = {
  CredentialsSignin: "That email and password do not match an account.",
  Suspended: "Your membership in this practice is suspended. Contact your practice admin.",
  SessionRequired: "Please sign in to continue.",
  SessionExpired: "You were signed out after a period without activity. Please sign in again.",
  Locked: "Too many sign-in attempts. Wait 15 minutes and try again.",
};

export default async function LoginPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const { error, callbackUrl } = await searchParams;
  return (
    <main className="auth">
      <div className="card">
        <h1>Sign in to CareRoster</h1>
        <LoginForm initialError={error ? (messages[error] ?? "Sign-in failed. Please try again.") : null} callbackUrl={callbackUrl} />
      </div>
    </main>
  );
}
