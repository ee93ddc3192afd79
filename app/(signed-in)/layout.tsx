import type { ReactNode } from "react";
import { TopBar } from "@/app/_components/top-bar";
import { currentMember } from "@/server/trpc/server";

export const dynamic = "force-dynamic";

/**
 * The signed-in shell: the header loads the member once per request (currentMember is cached, so
 * the pages' own gate asks no second time). A page answers for its missing session or role itself,
 * with its own address to come back to, so this layout only leaves the header out then.
 */
export default async function SignedInLayout({ children }: { children: ReactNode }) {
  const me = await currentMember().catch(() => null);
  return (
    <>
      {me && <TopBar me={me} />}
      {children}
    </>
  );
}
