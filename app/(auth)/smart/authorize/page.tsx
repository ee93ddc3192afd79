import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { appCodeOf } from "@/lib/app-errors";
import { scopeInWords } from "@/lib/smart-scopes";
import { readSession } from "@/server/auth/session";
import { getDb } from "@/server/db/client";
import { checkAuthorizeRequest } from "@/server/smart/authorize";
import { getCaller } from "@/server/trpc/server";
import { Consent } from "./consent";

export const metadata = { title: "Allow an app · CareRoster" };
export const dynamic = "force-dynamic";

type Params = Record<string, string | string[] | undefined>;

function selfPath(params: Params): string {
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (typeof v === "string") query.set(k, v);
  return `/smart/authorize?${query.toString()}`;
}

/**
 * The SMART authorization endpoint. The request is checked first (an unknown app or an
 * unregistered redirect URI stops here, on this page); then the person signs in with the ordinary
 * sign-in (password and second factor, or the practice's SSO) and comes back; then the consent
 * screen names the app, the practice and each scope in words.
 */
export default async function AuthorizePage({ searchParams }: { searchParams: Promise<Params> }) {
  const params = await searchParams;
  const check = await checkAuthorizeRequest(getDb(), params);
  if (check.kind === "page_error") {
    return (
      <>
        <h1>This app cannot continue</h1>
        <p className="alert" role="alert">
          {check.message}
        </p>
        <p className="muted">Close this page and tell whoever gave you the app.</p>
      </>
    );
  }
  if (check.kind === "app_error") redirect(check.redirect);
  const signIn = `/login?callbackUrl=${encodeURIComponent(selfPath(params))}`;
  if (!(await readSession(await headers()))) redirect(signIn);
  const caller = await getCaller();
  const me = await caller.me.get().catch((err: unknown) => {
    const code = appCodeOf(err);
    if (code === "SIGN_IN_REQUIRED" || code === "SESSION_ENDED") return null;
    throw err;
  });
  if (!me) redirect(signIn);
  const { client } = check;
  const problem = me.twoFactor.enrollmentRequired
    ? "Your practice requires two-factor sign-in. Set it up on your account page, then open the app again."
    : me.org?.id !== client.orgId
      ? `${client.name} is registered with ${client.orgName}. Switch to that practice, then open the app again.`
      : null;
  return (
    <>
      <h1>Allow {client.name}?</h1>
      <p>
        <strong>{client.name}</strong> asks to use CareRoster as <strong>{me.user.name}</strong> at{" "}
        <strong>{client.orgName}</strong>. It sees only what you may see, and only what you allow here.
      </p>
      {problem ? (
        <p className="alert" role="alert">
          {problem}
        </p>
      ) : (
        <Consent
          request={check.request}
          appName={client.name}
          scopes={check.scopes.map((scope) => ({ scope, words: scopeInWords(scope) }))}
          patientNeeded={check.patientNeeded}
        />
      )}
    </>
  );
}
