"use client";

import { getSession } from "next-auth/react";
import { useEffect, useState } from "react";
import { safeCallbackPath } from "@/lib/callback-url";

/**
 * You switched practice in another tab: renewing the session cookie takes the practice from the
 * database, then the page you asked for opens there (a full load: nothing of the old practice stays).
 */
export function SessionSync({ next }: { next?: string }) {
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    getSession()
      .then((session) => {
        if (!session) throw new Error("signed out");
        window.location.replace(safeCallbackPath(next, window.location.origin));
      })
      .catch(() => setFailed(true));
  }, [next]);
  return failed ? (
    <p className="alert" role="alert">
      Your session could not be updated. <a href="/login">Sign in again</a>.
    </p>
  ) : (
    <p className="notice" role="status">
      You switched practice in another tab. Opening this page in that practice…
    </p>
  );
}
