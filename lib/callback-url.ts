/** The home page, which sends each role to its landing page (app/page.tsx). */
export const DEFAULT_AFTER_SIGN_IN = "/";

/**
 * Where to go after sign-in: only a path of this app. The value is parsed the way a browser would
 * (`new URL(value, origin)`: backslashes become slashes, tabs and newlines vanish), and accepted
 * only when the origin stays the same. A path that still spells another host once decoded
 * (`/%5Cevil.example` → `/\evil.example`) or carries control characters is refused too, because
 * a router that decodes it again would leave the app. Anything refused answers `fallback`.
 */
export function safeCallbackPath(value: unknown, origin: string, fallback = DEFAULT_AFTER_SIGN_IN): string {
  if (typeof value !== "string" || value === "" || value.length > 2048) return fallback;
  let target: URL;
  let base: URL;
  try {
    base = new URL(origin);
    target = new URL(value, base);
  } catch {
    return fallback;
  }
  if (target.origin !== base.origin) return fallback;
  let decoded: string;
  try {
    decoded = decodeURIComponent(target.pathname);
  } catch {
    return fallback;
  }
  if (/^[/\\]{2}|[\\\u0000-\u001f\u007f]/.test(decoded)) return fallback;
  return `${target.pathname}${target.search}${target.hash}`;
}
