import { forbidden } from "next/navigation";
import type { ReactNode } from "react";
import { DisclosureNav } from "@/app/_components/disclosure-nav";
import { NavLink } from "@/app/_components/nav-link";
import { orPage } from "@/app/_components/signed-in";
import { currentMember, getCaller } from "@/server/trpc/server";
import "./admin.css";

export const dynamic = "force-dynamic";

const sections = [
  ["/admin", "Overview"],
  ["/admin/members", "Members"],
  ["/admin/care-team", "Care teams"],
  ["/admin/patients", "Patients"],
  ["/admin/audit", "Audit log"],
  ["/admin/break-glass", "Emergency access"],
  ["/coverage", "Cover"],
  ["/admin/access", "Who can see"],
  ["/admin/access-report", "Access report"],
  ["/admin/security", "Security posture"],
  ["/admin/apps", "Apps"],
  ["/admin/settings", "Settings"],
] as const;

/** The UI gate (the procedures and the policies gate again on their own). */
export default async function AdminLayout({ children }: { children: ReactNode }) {
  const caller = await getCaller();
  const me = await orPage(currentMember(), "/admin");
  if (me.role !== "admin") forbidden();
  const counts = await orPage(caller.admin.overview.get(), "/admin");
  const badge: Record<string, { n: number; what: string }> = {
    "/admin/members": { n: counts.suspendedMembers + counts.invitedMembers, what: "suspended or invited" },
    "/admin/care-team": { n: counts.unassignedPatients, what: "unassigned patients" },
    "/admin/break-glass": { n: counts.pendingReviews, what: "awaiting review" },
  };
  return (
    <>
      <div className="admin">
        <DisclosureNav label="Admin menu" className="admin-menu">
          <nav aria-label="Admin" className="admin-nav">
            <p className="muted">{me.org?.name}</p>
            <ul>
              {sections.map(([href, label]) => (
                <li key={href}>
                  <NavLink href={href} exact={href === "/admin"}>
                    {label}
                    {badge[href]?.n ? (
                      <span className="count">
                        {badge[href].n}
                        <span className="visually-hidden"> {badge[href].what}</span>
                      </span>
                    ) : null}
                  </NavLink>
                </li>
              ))}
            </ul>
          </nav>
        </DisclosureNav>
        <main id="main" tabIndex={-1} className="admin-main">
          {children}
        </main>
      </div>
    </>
  );
}
