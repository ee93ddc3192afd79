import Link from "next/link";
import type { ReactNode } from "react";
import { currentMember, getCaller } from "@/server/trpc/server";
import { TopBar } from "./top-bar";

/**
 * 403 and 404 pages inside the app shell: the header and navigation when someone is signed in
 * (the plain card otherwise), and for a member of several practices a hint that the record may
 * belong to another of them.
 */
export async function ErrorShell({
  title,
  header = true,
  children,
}: {
  title: string;
  /** false inside app/(signed-in)/layout.tsx, which shows the header already. */
  header?: boolean;
  children: ReactNode;
}) {
  let me: Awaited<ReturnType<Awaited<ReturnType<typeof getCaller>>["me"]["get"]>> | null = null;
  try {
    me = await currentMember();
  } catch {
    me = null;
  }
  const others = me ? me.memberships.filter((m) => m.orgId !== me.org?.id && m.status === "active") : [];
  const card = (
    <div className="card narrow">
      <h1>{title}</h1>
      {children}
      {others.length > 0 && (
        <p className="notice" data-testid="other-practice-hint">
          This patient may belong to another practice you work at ({others.map((o) => o.name).join(", ")}). Switch
          practice with the selector in the header.
        </p>
      )}
      <p>
        <Link href="/patients">Back to your patients</Link>
      </p>
    </div>
  );
  if (!me) {
    return (
      <main id="main" tabIndex={-1} className="auth">
        {card}
      </main>
    );
  }
  return (
    <>
      {header && <TopBar me={me} />}
      <main id="main" tabIndex={-1}>
        {card}
      </main>
    </>
  );
}

/** One page for a record that does not exist and one the caller may not see: no existence oracle. */
export function NotFoundPage({ header = true }: { header?: boolean }) {
  return (
    <ErrorShell title="Not found" header={header}>
      <p>There is nothing at this address that you can see.</p>
    </ErrorShell>
  );
}

export function ForbiddenPage({ header = true }: { header?: boolean }) {
  return (
    <ErrorShell title="403 — practice admins only" header={header}>
      <p>You need to be an active admin of this practice to open this page.</p>
    </ErrorShell>
  );
}
