import { orPage } from "@/app/_components/signed-in";
import { getCaller } from "@/server/trpc/server";
import { TimeZoneForm } from "./time-zone-form";

export const metadata = { title: "Settings · Admin · CareRoster" };

/** The practice's settings, one section (component) each. */
export default async function SettingsPage() {
  const tz = await orPage((await getCaller()).admin.timeZone.get(), "/admin/settings");
  return (
    <>
      <h1>Practice settings</h1>
      <div className="stack">
        <TimeZoneForm current={tz.timeZone} chosen={tz.chosen} serverZone={tz.serverTimeZone} />
      </div>
    </>
  );
}
