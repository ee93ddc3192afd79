import { Secret, TOTP } from "otpauth";
import { DEMO_TOTP_SECRET } from "@/server/db/seed/demo-data";
import { ownerSql } from "./db";

const PERIOD_MS = 30_000;

/**
 * A TOTP code the server will accept for `email` (a demo account: the documented demo secret): a
 * time step later than the account's last used one (read from the database) and within ±1 of now,
 * waiting for the next step when the window is used up (each step works once per account).
 */
export async function nextDemoCode(
  email: string,
  secret: string = DEMO_TOTP_SECRET,
  sql: ReturnType<typeof ownerSql> = ownerSql(),
): Promise<string> {
  const [row] =
    await sql`select f.last_step::bigint as step from user_mfa f join users u on u.id = f.user_id where lower(u.email) = lower(${email})`;
  const last = Number(row?.step ?? 0);
  let now = Math.floor(Date.now() / PERIOD_MS);
  while (last + 1 > now + 1) {
    await new Promise((r) => setTimeout(r, (now + 1) * PERIOD_MS - Date.now() + 250));
    now = Math.floor(Date.now() / PERIOD_MS);
  }
  const step = Math.max(now, last + 1);
  return new TOTP({ secret: Secret.fromBase32(secret), period: 30, digits: 6, algorithm: "SHA1" }).generate({
    timestamp: step * PERIOD_MS,
  });
}
