import { orPage } from "@/app/_components/signed-in";
import { env } from "@/server/env";
import { getCaller } from "@/server/trpc/server";
import { SsoDomains } from "./sso-domains";
import { SsoSettings } from "./sso-settings";
import { MrnPrefixForm } from "./mrn-prefix-form";
import { TimeZoneForm } from "./time-zone-form";
import { TwoFactorSettings } from "./two-factor-settings";

export const dynamic = "force-dynamic";
export const metadata = { title: "Settings · Admin · CareRoster" };

/** The practice's settings: a simple list of sections, each its own component. */
export default async function SettingsPage() {
  const caller = await getCaller();
  const [settings, tz, mrn] = await orPage(
    Promise.all([caller.admin.settings.get(), caller.admin.timeZone.get(), caller.patients.mrnSettings()]),
    "/admin/settings",
  );
  const base = (env().AUTH_URL ?? env().NEXTAUTH_URL ?? "").replace(/\/+$/, "");
  return (
    <>
      <h1>Practice settings</h1>
      <div className="stack">
        <TimeZoneForm current={tz.timeZone} chosen={tz.chosen} serverZone={tz.serverTimeZone} />
        <MrnPrefixForm prefix={mrn.prefix} example={mrn.example} />
        <TwoFactorSettings policy={settings.mfaPolicy} members={settings.members} me={settings.me} />
        <SsoSettings sso={settings.sso} redirectBase={`${base}/api/auth/callback/`} slug={settings.slug} />
        <SsoDomains domains={settings.ssoDomains} token={settings.ssoToken} />
      </div>
    </>
  );
}
