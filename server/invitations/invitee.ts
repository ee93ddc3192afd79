import { sql } from "drizzle-orm";
import type { z } from "zod";
import type { acceptExistingInput, acceptNewInput, invitationTokenInput } from "@/lib/schemas/accounts";
import { hashPassword } from "@/server/auth/password";
import { assertPasswordPolicy } from "@/server/auth/password-policy";
import { hashToken } from "@/server/auth/tokens";
import type { Tx } from "@/server/db/client";
import { AppError } from "@/server/errors";

/**
 * The invitee's side. The emailed token is the credential: its holder sees the practice, email and
 * role, and either creates the account (new email) or, signed in as that email, accepts.
 */

type RequestTx = { tx: Tx; requestId: string };

type Preview = {
  org_name: string;
  email: string;
  name: string;
  role: "admin" | "clinician";
  account_exists: boolean;
  expires_at: Date;
};

async function findInvitation(tx: Tx, token: string) {
  const [row] = await tx.execute<Preview>(sql`select * from app_invitation_preview(${hashToken(token)})`);
  return row ?? null;
}

/** null for a token that is unknown, used, revoked or expired (one answer for all four). */
export async function previewInvitation({ tx }: RequestTx, input: z.infer<typeof invitationTokenInput>) {
  const row = await findInvitation(tx, input.token);
  return (
    row && {
      orgName: row.org_name,
      email: row.email,
      name: row.name,
      role: row.role,
      accountExists: row.account_exists,
      expiresAt: new Date(row.expires_at),
    }
  );
}

/** A new person sets their name and password; the account and its active membership are created together. */
export async function acceptAsNewAccount({ tx, requestId }: RequestTx, input: z.infer<typeof acceptNewInput>) {
  const row = await findInvitation(tx, input.token);
  if (!row) throw new AppError("NOT_FOUND", "This invitation is not valid: it was used, revoked or has expired.");
  if (row.account_exists)
    throw new AppError("CONFLICT", "An account already uses this email. Sign in to accept the invitation.");
  assertPasswordPolicy({ email: row.email, name: input.name, password: input.password }, "password");
  const passwordHash = await hashPassword(input.password);
  await tx.execute(
    sql`select * from app_invitation_accept_new(${hashToken(input.token)}, ${input.name}, ${passwordHash}, ${requestId})`,
  );
  return { email: row.email, orgName: row.org_name };
}

/** The signed-in account holder accepts, with the emailed token or from their list of pending invitations. */
export async function acceptAsSignedIn({ tx, requestId }: RequestTx, input: z.infer<typeof acceptExistingInput>) {
  const tokenHash = "token" in input ? hashToken(input.token) : null;
  const invitationId = "invitationId" in input ? input.invitationId : null;
  const [row] = await tx.execute<{ org_id: string }>(
    sql`select app_invitation_accept_existing(${tokenHash}, ${invitationId}::uuid, ${requestId}) as org_id`,
  );
  const [org] = await tx.execute<{ name: string }>(sql`select name from organizations where id = ${row.org_id}`);
  return { orgId: row.org_id, orgName: org?.name ?? "" };
}

/** Pending invitations addressed to the signed-in user's email. */
export async function myInvitations({ tx }: RequestTx) {
  const rows = await tx.execute<{
    id: string;
    org_id: string;
    org_name: string;
    role: "admin" | "clinician";
    expires_at: Date;
  }>(sql`select * from app_my_invitations()`);
  return rows.map((r) => ({
    id: r.id,
    orgId: r.org_id,
    orgName: r.org_name,
    role: r.role,
    expiresAt: new Date(r.expires_at),
  }));
}
