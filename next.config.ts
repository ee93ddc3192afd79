import type { NextConfig } from "next";
import { noStore, securityHeaders } from "./server/http/security-headers";

const nextConfig: NextConfig = {
  poweredByHeader: false,
  // Native argon2 bindings load from node_modules at run time rather than being bundled; postgres.js
  // too, so the driver guard (server/db/driver-guard.ts) knows its frames in the production build.
  serverExternalPackages: ["@node-rs/argon2", "postgres"],
  // forbidden() answers 403 with app/forbidden.tsx (the admin area's gate).
  experimental: { authInterrupts: true },
  async headers() {
    return [
      { source: "/:path*", headers: securityHeaders },
      { source: "/((?!_next/static|favicon.ico).*)", headers: [noStore] },
    ];
  },
};

export default nextConfig;
