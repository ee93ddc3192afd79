import { SessionSync } from "./session-sync";

export const metadata = { title: "Switching practice · CareRoster" };

/** A page opened with a cookie from before a practice switch in another tab: the cookie follows the session, then the page. */
export default async function SessionSyncPage({ searchParams }: { searchParams: Promise<{ next?: string }> }) {
  const { next } = await searchParams;
  return (
    <>
      <h1>Switching practice</h1>
      <SessionSync next={next} />
    </>
  );
}
