import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoIds, ownerSql } from "@/tests/helpers/db";
import { signIn, trpcQuery } from "@/tests/helpers/http-client";
import { startRealServer, type RealServer } from "@/tests/helpers/server";
import { nextDemoCode } from "@/tests/helpers/totp";

// The attacker's view over HTTP, against the real server: the credentials POST (email, password,
// totp — DESIGN.md section 6) gives a session only with a right, unused code.

let app: RealServer;
const EMAIL = "admin@northside.test";

beforeAll(async () => {
  app = await startRealServer();
}, 600_000);

afterAll(async () => {
  await app?.stop();
  await ownerSql()`delete from login_attempts`;
});

describe("two-factor sign-in over HTTP", () => {
  it("the password alone gives no session cookie and no sessions row; a wrong code neither", async () => {
    const { users } = await demoIds();
    const [{ n: before }] =
      await ownerSql()`select count(*)::int as n from sessions where user_id = ${users.northAdmin}`;
    const alone = await signIn(app.base, EMAIL, "demo-password");
    expect(alone).toMatchObject({ ok: false, error: "TotpRequired", cookie: null });
    const code = await nextDemoCode(EMAIL);
    const wrong = await signIn(app.base, EMAIL, "demo-password", {
      totp: String((Number(code) + 1) % 1_000_000).padStart(6, "0"),
    });
    expect(wrong).toMatchObject({ ok: false, error: "TotpInvalid", cookie: null });
    const [{ n: after }] =
      await ownerSql()`select count(*)::int as n from sessions where user_id = ${users.northAdmin}`;
    expect(after).toBe(before);
  });

  it("email, password and totp in one POST sign in and read data; the same code again is refused", async () => {
    const code = await nextDemoCode(EMAIL);
    const ok = await signIn(app.base, EMAIL, "demo-password", { totp: code });
    expect(ok.ok).toBe(true);
    const list = await trpcQuery(app.base, "patients.list", {}, { cookie: ok.cookie! });
    expect(list.status).toBe(200);
    const replay = await signIn(app.base, EMAIL, "demo-password", { totp: code });
    expect(replay).toMatchObject({ ok: false, error: "TotpInvalid", cookie: null });
    const [row] =
      await ownerSql()`select s.methods from sessions s join users u on u.id = s.user_id where u.email = ${EMAIL} order by s.created_at desc limit 1`;
    expect(row.methods).toEqual(["password", "totp"]);
  });
});
