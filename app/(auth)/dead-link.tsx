import Link from "next/link";
import type { ReactNode } from "react";

/** A one-time emailed link that no longer works: why (`children`), and the way on. */
export function DeadLink({
  title,
  href,
  action,
  children,
}: {
  title: string;
  href: string;
  action: string;
  children: ReactNode;
}) {
  return (
    <>
      <h1>{title}</h1>
      {children}
      <p>
        <Link href={href}>{action}</Link>
      </p>
    </>
  );
}
