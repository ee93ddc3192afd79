/**
 * FORBIDDEN messages about which practice a session counts for; the UI recognises them by value.
 * A session opened by one practice's single sign-on counts for that practice only; entering
 * another practice needs that practice's own sign-in (password and its two-factor rule, or its SSO).
 */
export const STEP_UP_REQUIRED = "That practice needs its own sign-in. Sign in for it to continue.";
export const PRACTICE_CHANGED = "You switched practice in another tab. Reload the page to continue.";
