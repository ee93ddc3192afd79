"use client";

import { useEffect, useState } from "react";

/** Says so when the device goes offline: saves wait instead of hanging silently on "Saving…". */
export function OfflineBanner() {
  const [offline, setOffline] = useState(false);
  useEffect(() => {
    const update = () => setOffline(!navigator.onLine);
    update();
    window.addEventListener("online", update);
    window.addEventListener("offline", update);
    return () => {
      window.removeEventListener("online", update);
      window.removeEventListener("offline", update);
    };
  }, []);
  if (!offline) return null;
  return (
    <p className="offline-banner" role="alert">
      You are offline. Nothing can be saved until the connection is back; notes you are writing are kept on this device.
    </p>
  );
}
