import Link from "next/link";
import { forbidden } from "next/navigation";
import type { ReactNode } from "react";
import { orPage } from "@/app/_components/signed-in";
import { TopBar } from "@/app/_components/top-bar";
import { getCaller } from "@/server/trpc/server";
import "./admin.css";

export const dynamic = "force-dynamic";

const sections = [
  ["/admin/members", "Members"],
  ["/admin/care-team", "Care teams"],
  ["/admin/patients", "Patients"],
  ["/admin/audit", "Audit log"],
  ["/admin/break-glass", "Emergency access"],
  ["/coverage", "Cover"],
  ["/admin/access", "Who can see"],
  ["/admin/access-report", "Access report"],
  ["/admin/security", "Security posture"],
  ["/admin/settings", "Settings"],
] as const;

/** The UI gate (the procedures and the policies gate again on their own). */
export default async function AdminLayout({ children }: { children: ReactNode }) {
  const me = await orPage((await getCaller()).me.get(), "/admin");
  if (me.role !== "admin") forbidden();
  return (
    <>
      <TopBar me={me} />
      <div className="admin">
        <nav aria-label="Admin" className="admin-nav">
          <p className="muted">{me.org?.name}</p>
          <ul>
            {sections.map(([href, label]) => (
              <li key={href}>
                <Link href={href}>{label}</Link>
              </li>
            ))}
          </ul>
        </nav>
        <main className="admin-main">{children}</main>
      </div>
    </>
  );
}
