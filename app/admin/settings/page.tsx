import { orPage } from "@/app/_components/signed-in";
import { getCaller } from "@/server/trpc/server";
import { SsoSettings } from "./sso-settings";
import { TwoFactorSettings } from "./two-factor-settings";

export const dynamic = "force-dynamic";
export const metadata = { title: "Settings · Admin · CareRoster" };

/** The practice's settings: a simple list of sections, each its own component. */
export default async function SettingsPage() {
  const settings = await orPage((await getCaller()).admin.settings.get(), "/admin/settings");
  const base = (process.env.NEXTAUTH_URL ?? "").replace(/\/+$/, "");
  return (
    <>
      <h1>Practice settings</h1>
      <TwoFactorSettings policy={settings.mfaPolicy} members={settings.members} me={settings.me} />
      <SsoSettings sso={settings.sso} redirectBase={`${base}/api/auth/callback/`} slug={settings.slug} />
    </>
  );
}
