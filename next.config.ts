import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  poweredByHeader: false,
  // Native argon2 bindings load from node_modules at run time rather than being bundled.
  serverExternalPackages: ["@node-rs/argon2"],
};

export default nextConfig;
