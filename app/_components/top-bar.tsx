import type { RouterOutputs } from "@/server/trpc/types";
import { DisclosureNav } from "./disclosure-nav";
import { NavLink, PendingLink as Link } from "./nav-link";
import { OrgSwitcher } from "./org-switcher";
import { SignOutButton } from "./sign-out-button";

/**
 * The signed-in header: practice (with switcher), the admin entry for admins, the user and sign-out;
 * on a phone all of it folds behind one "Menu" button so the header stays one row.
 */
export function TopBar({ me }: { me: RouterOutputs["me"]["get"] }) {
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <Link className="brand" href="/">
          CareRoster
        </Link>
        <DisclosureNav label="Menu" className="topbar-menu">
          <nav aria-label="Main">
            {me.role === "clinician" && <NavLink href="/today">Today</NavLink>}
            {me.role === "admin" && <NavLink href="/today">Schedule</NavLink>}
            <NavLink href="/patients">Patients</NavLink>
            {me.role && <NavLink href="/directory">Directory</NavLink>}
            {me.role && <NavLink href="/coverage">Cover</NavLink>}
            {me.role === "admin" && <NavLink href="/admin">Admin</NavLink>}
          </nav>
          <span className="spacer" />
          {me.memberships.length > 1 ? (
            <OrgSwitcher current={me.org?.id ?? null} orgs={me.memberships} email={me.user.email} />
          ) : (
            <span className="muted practice-name">{me.org?.name}</span>
          )}
          <Link className="account-link" href="/account" title="Your account and sessions">
            {me.user.name}
          </Link>
          <SignOutButton />
        </DisclosureNav>
      </header>
    </>
  );
}
