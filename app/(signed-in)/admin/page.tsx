import { PendingLink as Link } from "@/app/_components/nav-link";
import { PendingInvitations } from "@/app/_components/pending-invitations";
import { orPage } from "@/app/_components/signed-in";
import { getCaller } from "@/server/trpc/server";
import { TimeZonePrompt } from "./time-zone-prompt";

export const metadata = { title: "Overview · Admin · CareRoster" };

/** What needs the admin's attention today, each with the page that deals with it. */
export default async function AdminOverviewPage() {
  const caller = await getCaller();
  const [c, invitations, tz] = await orPage(
    Promise.all([caller.admin.overview.get(), caller.invitations.mine(), caller.admin.timeZone.get()]),
    "/admin",
  );
  const items = [
    {
      n: c.pendingReviews,
      title: "Emergency accesses awaiting review",
      none: "No emergency access is waiting for review.",
      href: "/admin/break-glass",
      action: "Review emergency access",
    },
    {
      n: c.unassignedPatients,
      title: "Patients on no care team",
      none: "Every patient is on a care team.",
      href: "/admin/care-team?unassigned=1",
      action: "Assign patients",
    },
    {
      n: c.suspendedMembers,
      title: "Suspended members",
      none: "No member is suspended.",
      href: "/admin/members",
      action: "Manage members",
    },
    {
      n: c.invitedMembers,
      title: "Invitations not yet accepted",
      none: "No invitation is pending.",
      href: "/admin/members",
      action: "See invitations",
    },
  ];
  return (
    <>
      <h1>Overview</h1>
      <PendingInvitations invitations={invitations} />
      {!tz.chosen && <TimeZonePrompt serverZone={tz.serverTimeZone} />}
      <ul className="overview" aria-label="Needs attention">
        {items.map((i) => (
          <li key={i.title} className={`card${i.n > 0 ? " attention" : ""}`}>
            <h2>
              <span className="big-count">{i.n}</span> {i.title}
            </h2>
            <p className="muted">{i.n === 0 ? i.none : "Needs your attention."}</p>
            <Link href={i.href}>{i.action}</Link>
          </li>
        ))}
      </ul>
    </>
  );
}
