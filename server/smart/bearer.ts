import type { Db } from "@/server/db/client";
import { SessionEndedError, withRlsContext } from "@/server/db/context";

/** The bearer token of an `Authorization: Bearer <token>` header (RFC 6750 §2.1), or null. */
export function bearerToken(headers: Headers): string | null {
  const m = /^Bearer\s+([A-Za-z0-9\-._~+/]+=*)\s*$/i.exec(headers.get("authorization") ?? "");
  return m ? m[1] : null;
}

export interface TokenClaims {
  userId: string;
  orgId: string | null;
  scopes: string[];
  patientId: string | null;
  clientId: string;
}

/**
 * What a live access token names (app_context_enter_token): its user, practice, scopes, patient
 * and app; null for a token that is unknown, expired, revoked, of a disabled app or an ended
 * session. The request's own transaction enters the token again and decides there; this answer
 * only says what to ask for.
 */
export async function tokenClaims(db: Db, token: string): Promise<TokenClaims | null> {
  try {
    const facts = await withRlsContext(db, { kind: "token", token }, (_tx, guard) => guard.ready());
    if (!facts.userId || !facts.token) return null;
    const { scopes, patientId, clientId } = facts.token;
    return { userId: facts.userId, orgId: facts.orgId, scopes, patientId, clientId };
  } catch (err) {
    if (err instanceof SessionEndedError) return null;
    throw err;
  }
}
