"use client";

import Link, { useLinkStatus } from "next/link";
import { usePathname } from "next/navigation";
import type { ComponentProps, ReactNode } from "react";

/**
 * While the link's page loads: a bar across the top of the window. A page without loading.tsx
 * (the chart, whose 404 must stay an HTTP 404, not a streamed 200) shows nothing else meanwhile.
 */
function PendingBar() {
  const { pending } = useLinkStatus();
  return pending ? <span className="nav-progress" aria-hidden="true" data-testid="navigation-pending" /> : null;
}

/** A link that shows the loading bar while its page loads. */
export function PendingLink({ children, ...props }: ComponentProps<typeof Link>) {
  return (
    <Link {...props}>
      {children}
      <PendingBar />
    </Link>
  );
}

/** A navigation link that marks the current page (`aria-current="page"`), also on its sub-pages. */
export function NavLink({ href, children, exact }: { href: string; children: ReactNode; exact?: boolean }) {
  const path = usePathname() ?? "";
  const current = exact ? path === href : path === href || path.startsWith(`${href}/`);
  return (
    <PendingLink href={href} aria-current={current ? "page" : undefined}>
      {children}
    </PendingLink>
  );
}
