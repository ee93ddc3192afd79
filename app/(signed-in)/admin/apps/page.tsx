import { orPage } from "@/app/_components/signed-in";
import { scopeInWords, SMART_SCOPES } from "@/lib/smart-scopes";
import { formatDateTime } from "@/lib/time";
import { appUrl } from "@/server/mail";
import { currentMember, getCaller } from "@/server/trpc/server";
import { AppsList, RegisterApp } from "./apps-client";

export const dynamic = "force-dynamic";
export const metadata = { title: "Apps · Admin · CareRoster" };

/** SMART on FHIR apps the practice lets its members sign in to (docs/smart-on-fhir.md). */
export default async function AppsPage() {
  const caller = await getCaller();
  const [apps, me] = await orPage(Promise.all([caller.admin.apps.list(), currentMember()]), "/admin/apps");
  const tz = me.org?.timeZone ?? "UTC";
  return (
    <>
      <h1>Apps</h1>
      <p className="muted apps-intro">
        Apps that use SMART on FHIR to read the practice&apos;s records as one of its members. A member signs in through
        the app, sees its name and what it asks for, and allows or denies it; the app then reads only what that member
        may see. FHIR base URL: <code>{appUrl()}/fhir</code>.
      </p>
      <div className="stack">
        <AppsList
          apps={apps.map((a) => ({
            ...a,
            registered: formatDateTime(a.createdAt, tz),
            disabled: a.disabledAt ? formatDateTime(a.disabledAt, tz) : null,
            scopeWords: a.scopes.map((s) => `${scopeInWords(s)} (${s})`),
          }))}
        />
        <RegisterApp scopes={SMART_SCOPES.map((scope) => ({ scope, words: scopeInWords(scope) }))} />
      </div>
    </>
  );
}
