import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  poweredByHeader: false,
  // Native argon2 bindings load from node_modules at run time rather than being bundled.
  serverExternalPackages: ["@node-rs/argon2"],
  // forbidden() answers 403 with app/forbidden.tsx (the admin area's gate).
  experimental: { authInterrupts: true },
};

export default nextConfig;
