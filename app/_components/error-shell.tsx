import Link from "next/link";
import type { ReactNode } from "react";
import { currentMember, getCaller } from "@/server/trpc/server";
import { TopBar } from "./top-bar";

/**
 * 403 and 404 pages inside the app shell: the header and navigation when someone is signed in
 * (the plain card otherwise), and for a member of several practices a hint that the record may
 * belong to another of them.
 */
export async function ErrorShell({ title, children }: { title: string; children: ReactNode }) {
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
      <TopBar me={me} />
      <main id="main" tabIndex={-1}>
        {card}
      </main>
    </>
  );
}
