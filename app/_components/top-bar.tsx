import Link from "next/link";
import type { RouterOutputs } from "@/server/trpc/types";
import { OrgSwitcher } from "./org-switcher";
import { SignOutButton } from "./sign-out-button";

/** The signed-in header: practice (with switcher), the admin entry for admins, the user and sign-out. */
export function TopBar({ me }: { me: RouterOutputs["me"]["get"] }) {
  return (
    <header className="topbar">
      <Link className="brand" href="/patients">
        CareRoster
      </Link>
      <nav aria-label="Main">
        <Link href="/patients">Patients</Link>
        {me.role && <Link href="/directory">Directory</Link>}
        {me.role && <Link href="/coverage">Cover</Link>}
        {me.role === "admin" && <Link href="/admin">Admin</Link>}
      </nav>
      <span className="spacer" />
      {me.memberships.length > 1 ? (
        <OrgSwitcher current={me.org?.id ?? null} orgs={me.memberships} />
      ) : (
        <span className="muted">{me.org?.name}</span>
      )}
      <Link href="/account" title="Your account and sessions">
        {me.user.name}
      </Link>
      <SignOutButton />
    </header>
  );
}
