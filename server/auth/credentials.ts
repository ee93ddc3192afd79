import { sql } from "drizzle-orm";
import { z } from "zod";
import { getAuthDb, type Db } from "@/server/db/client";
import { withRlsContext } from "@/server/db/context";
import { hasConfirmedFactor, spendRecoveryCode, verifyTotp } from "./mfa";
import { decoyHash, verifyPassword } from "./password";
import { claimAttempt, secondFactorKey, signInKeys } from "./throttle";

export const signInInput = z.object({
  email: z.string().trim().toLowerCase().email().max(320),
  password: z.string().min(1).max(1024),
  /** The second factor: a 6-digit TOTP code or a recovery code (DESIGN.md section 6: the `totp` field). */
  totp: z.string().trim().max(64).optional(),
  /** The practice to start in (step-up for a practice, or the practice whose sign-in is being linked). */
  practice: z
    .uuid()
    .optional()
    .or(z.literal("").transform(() => undefined)),
});

export type SignInResult =
  | { ok: true; user: { id: string; name: string; email: string; orgId: string } }
  | { ok: false; reason: "missing_email" | "missing_password" | "invalid" | "suspended" | "locked" };

type AuthRow = {
  id: string;
  name: string;
  password_hash: string | null;
  memberships: { orgId: string; role: string; status: string }[];
};

/**
 * Checks an email and password before any request context exists, through the one SECURITY
 * DEFINER function that may read a password hash, on the sign-in path's own pool (the runtime
 * role cannot call it). Throttled per account and per client address
 * (`null`: unknown, only the account counts), counting first: the attempt is recorded before the
 * slow hash is verified, so a parallel burst gets at most the limit's worth of checks; success
 * forgives it. The session starts in the practice asked for when the user is active there, else in
 * their first active membership; a user whose every membership is suspended cannot sign in.
 */
export async function checkCredentials(
  db: Db,
  raw: unknown,
  clientAddress: string | null = null,
): Promise<SignInResult> {
  // An empty field is answered as such; like any input that is no email and password, it is no
  // guess at a password and never reaches the throttle.
  const typed = (raw ?? {}) as { email?: unknown; password?: unknown };
  if (!String(typed.email ?? "").trim()) return { ok: false, reason: "missing_email" };
  if (!String(typed.password ?? "")) return { ok: false, reason: "missing_password" };
  const parsed = signInInput.safeParse(raw);
  if (!parsed.success) return { ok: false, reason: "invalid" };
  const { email, password, practice } = parsed.data;
  const claim = await claimAttempt(db, signInKeys(email, clientAddress));
  if (!claim) return { ok: false, reason: "locked" };
  const rows = await getAuthDb().execute<AuthRow>(sql`select * from app_auth_user(${email})`);
  const row = rows[0];
  const valid = await verifyPassword(row?.password_hash ?? (await decoyHash()), password);
  if (!row || !valid) return { ok: false, reason: "invalid" };
  await claim.forgive();
  const actives = row.memberships.filter((m) => m.status === "active");
  const active = actives.find((m) => m.orgId === practice) ?? actives[0];
  if (!active) return { ok: false, reason: "suspended" };
  return { ok: true, user: { id: row.id, name: row.name, email, orgId: active.orgId } };
}

export type AuthenticateResult =
  | {
      ok: true;
      user: { id: string; name: string; email: string; orgId: string };
      method: "password" | "totp" | "recovery_code";
    }
  | {
      ok: false;
      reason:
        | "missing_email"
        | "missing_password"
        | "invalid"
        | "suspended"
        | "locked"
        | "totp_required"
        | "totp_invalid"
        | "totp_locked";
    };

/**
 * The whole sign-in: the password (checkCredentials), then — for an account with a confirmed
 * factor — the second factor in the same request: a TOTP code (each time step once) or a recovery
 * code (once). Nothing (no session) exists until both pass. The second step has its own
 * count-first throttle per account (20 wrong codes lock it for the window); a success forgives it.
 * A missing code answers `totp_required` (the form then asks for it), a wrong one `totp_invalid`.
 */
export async function authenticate(
  db: Db,
  raw: unknown,
  clientAddress: string | null = null,
): Promise<AuthenticateResult> {
  const first = await checkCredentials(db, raw, clientAddress);
  if (!first.ok) return first;
  const code = signInInput.safeParse(raw).data?.totp ?? "";
  const userId = first.user.id;
  const signIn = { kind: "sign_in", userId } as const;
  const enrolled = await withRlsContext(getAuthDb(), signIn, (tx) => hasConfirmedFactor(tx, userId));
  if (!enrolled) return { ...first, method: "password" };
  if (!code) return { ok: false, reason: "totp_required" };
  const claim = await claimAttempt(db, [secondFactorKey(userId)]);
  if (!claim) return { ok: false, reason: "totp_locked" };
  const method = await withRlsContext(getAuthDb(), signIn, async (tx) => {
    if (/^\d{6}$/.test(code.replace(/\s/g, ""))) return (await verifyTotp(tx, userId, code)) ? ("totp" as const) : null;
    return (await spendRecoveryCode(tx, userId, code)) ? ("recovery_code" as const) : null;
  });
  if (!method) return { ok: false, reason: "totp_invalid" };
  await claim.forgive();
  return { ...first, method };
}
