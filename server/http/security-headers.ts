// The headers every answer carries: next.config.ts applies them to what Next.js serves, and
// server/trpc/node-handler.ts to the API, which scripts/serve.ts answers without Next.js.

const https = (process.env.AUTH_URL ?? process.env.NEXTAUTH_URL ?? "").startsWith("https://");
const dev = process.env.NODE_ENV === "development";

// Same-origin only. Next's App Router inlines its bootstrap scripts and styles, so scripts and
// styles need 'unsafe-inline' (nonces would force every page dynamic); no external origin is allowed
// anywhere, frames are refused, and plugins are off. Dev mode also needs eval for fast refresh.
const csp = [
  "default-src 'self'",
  `script-src 'self' 'unsafe-inline'${dev ? " 'unsafe-eval'" : ""}`,
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  ...(https ? ["upgrade-insecure-requests"] : []),
].join("; ");

export const securityHeaders: { key: string; value: string }[] = [
  { key: "Content-Security-Policy", value: csp },
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "X-Frame-Options", value: "DENY" },
  { key: "Referrer-Policy", value: "no-referrer" },
  { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=(), payment=(), usb=()" },
  { key: "Cross-Origin-Opener-Policy", value: "same-origin" },
  ...(https ? [{ key: "Strict-Transport-Security", value: "max-age=63072000; includeSubDomains" }] : []),
];

/** Pages and API answers carry patient data: never stored by browsers or shared caches. */
export const noStore = { key: "Cache-Control", value: "no-store" };
