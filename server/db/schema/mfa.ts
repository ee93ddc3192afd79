import { sql } from "drizzle-orm";
import { bigint, index, pgPolicy, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { createdAt, userRef } from "./columns";
import { organizations } from "./organizations";
import { currentOrg, currentUser, isAdmin, runtime } from "./rls";
import { users } from "./users";
import { timestamptz } from "./time";

/** An admin of the current practice, about one of its active members (the sessions rule). */
const adminOfMember = sql`${isAdmin} and user_id in (select m.user_id from memberships m where m.org_id = ${currentOrg} and m.status = 'active')`;

/**
 * A person's TOTP factor. `secret_enc` is AES-256-GCM ciphertext (server/auth/mfa-crypto.ts),
 * never plain. `confirmed_at` is null while enrollment waits for its first code. `last_step` is the
 * RFC 6238 time step of the last accepted code: a code is accepted only for a later step (no replay).
 */
export const userMfa = pgTable(
  "user_mfa",
  {
    userId: uuid("user_id")
      .primaryKey()
      .references(() => users.id),
    secretEnc: text("secret_enc").notNull(),
    confirmedAt: timestamptz("confirmed_at"),
    lastStep: bigint("last_step", { mode: "number" }).notNull().default(0),
    createdAt: createdAt(),
  },
  (t) => [
    // Your own factor; an admin sees whether the practice's active members have one.
    pgPolicy("user_mfa_select", {
      for: "select",
      to: runtime,
      using: sql`${t.userId} = ${currentUser} or (${adminOfMember})`,
    }),
    // Enrollment starts unconfirmed, for yourself only.
    pgPolicy("user_mfa_insert", {
      for: "insert",
      to: runtime,
      withCheck: sql`${t.userId} = ${currentUser} and ${t.confirmedAt} is null and ${t.lastStep} = 0`,
    }),
    // Confirming and recording the last used step: yourself only (column grant: confirmed_at, last_step).
    pgPolicy("user_mfa_update", {
      for: "update",
      to: runtime,
      using: sql`${t.userId} = ${currentUser}`,
      withCheck: sql`${t.userId} = ${currentUser}`,
    }),
    // Removing a factor: an admin for a member (reset); yourself only while unconfirmed, or in the very
    // transaction that consumed one of your recovery codes (nobody resets their own without one).
    pgPolicy("user_mfa_delete", {
      for: "delete",
      to: runtime,
      using: sql`(${adminOfMember}) or (${t.userId} = ${currentUser} and (${t.confirmedAt} is null or exists (select 1 from mfa_recovery_codes r where r.user_id = ${t.userId} and r.used_at = now())))`,
    }),
  ],
);

/** Ten single-use recovery codes per enrollment, stored as SHA-256 only. */
export const mfaRecoveryCodes = pgTable(
  "mfa_recovery_codes",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: userRef(),
    codeHash: text("code_hash").notNull(),
    usedAt: timestamptz("used_at"),
    createdAt: createdAt(),
  },
  (t) => [
    index("mfa_recovery_codes_user_idx").on(t.userId, t.codeHash),
    pgPolicy("mfa_recovery_codes_select", {
      for: "select",
      to: runtime,
      using: sql`${t.userId} = ${currentUser} or (${adminOfMember})`,
    }),
    pgPolicy("mfa_recovery_codes_insert", {
      for: "insert",
      to: runtime,
      withCheck: sql`${t.userId} = ${currentUser} and ${t.usedAt} is null`,
    }),
    // Using a code: only yours, only once (used_at goes from null to set).
    pgPolicy("mfa_recovery_codes_update", {
      for: "update",
      to: runtime,
      using: sql`${t.userId} = ${currentUser} and ${t.usedAt} is null`,
      withCheck: sql`${t.userId} = ${currentUser} and ${t.usedAt} is not null`,
    }),
    // Regenerating replaces yours; an admin's reset removes a member's.
    pgPolicy("mfa_recovery_codes_delete", {
      for: "delete",
      to: runtime,
      using: sql`${t.userId} = ${currentUser} or (${adminOfMember})`,
    }),
  ],
);

/**
 * A practice's OpenID Connect identity provider. `client_secret_enc` is AES-256-GCM ciphertext.
 * Only the practice's admins read or write it; the sign-in page and next-auth find a provider by
 * verified email domain (org_sso_domains) through app_sso_for_domain() (SECURITY DEFINER: no
 * context exists before sign-in).
 */
export const orgSso = pgTable(
  "org_sso",
  {
    orgId: uuid("org_id")
      .primaryKey()
      .references(() => organizations.id),
    issuer: text("issuer").notNull(),
    clientId: text("client_id").notNull(),
    clientSecretEnc: text("client_secret_enc").notNull(),
    updatedAt: timestamptz("updated_at").notNull().defaultNow(),
  },
  (t) => [
    pgPolicy("org_sso_admin", {
      for: "all",
      to: runtime,
      using: sql`${t.orgId} = ${currentOrg} and ${isAdmin}`,
      withCheck: sql`${t.orgId} = ${currentOrg} and ${isAdmin}`,
    }),
  ],
);
