import { sessionToken } from "@/tests/helpers/session-cookie";
import { describe, expect, it } from "vitest";
import { GET } from "@/tests/helpers/trpc-http";
import { demoIds, newSession, ownerSql } from "@/tests/helpers/db";

const secret = () => process.env.NEXTAUTH_SECRET!;

/** A token with a real, live server-side session of its `sub`, so only the tampering is under test. */
async function token(claims: Record<string, unknown>, opts: { secret?: string; maxAge?: number } = {}) {
  const key =
    typeof claims.sub === "string"
      ? await newSession(claims.sub, typeof claims.orgId === "string" ? claims.orgId : null)
      : undefined;
  return sessionToken(
    { sid: key?.sessionId, sst: key?.secret, ...claims },
    { secret: opts.secret ?? secret(), maxAge: opts.maxAge },
  );
}

async function list(jwt: string | undefined) {
  const url = `http://localhost/api/trpc/patients.list?input=${encodeURIComponent(JSON.stringify({ json: {} }))}`;
  const res = await GET(new Request(url, { headers: jwt ? { cookie: `next-auth.session-token=${jwt}` } : {} }));
  return {
    status: res.status,
    body: (await res.json()) as { error?: { json: { data: { code: string } } }; result?: unknown },
  };
}

describe("session tampering", () => {
  it("a valid session works (control)", async () => {
    const { users, orgs } = await demoIds();
    expect((await list(await token({ sub: users.grey, orgId: orgs.northside }))).status).toBe(200);
  });

  it("flipped bytes, swapped segments, another secret, an unsigned forgery and expiry: all UNAUTHORIZED, nothing read", async () => {
    const { users, orgs } = await demoIds();
    const good = await token({ sub: users.grey, orgId: orgs.northside });
    const parts = good.split(".");
    const flip = (s: string, i: number) => s.slice(0, i) + (s[i] === "A" ? "B" : "A") + s.slice(i + 1);
    const adminToken = await token({ sub: users.northAdmin, orgId: orgs.northside });
    const forgedPayload = Buffer.from(JSON.stringify({ sub: users.northAdmin, orgId: orgs.lakeside })).toString(
      "base64url",
    );
    const [{ before }] = await ownerSql()`select count(*)::int as before from audit_events`;
    const attempts = [
      parts.map((p, i) => (i === 3 ? flip(p, 5) : p)).join("."), // ciphertext edited
      parts.map((p, i) => (i === 4 ? flip(p, 3) : p)).join("."), // auth tag edited
      [...adminToken.split(".").slice(0, 3), parts[3], parts[4]].join("."), // another token's header/key/iv
      `eyJhbGciOiJub25lIn0.${forgedPayload}.`, // an unsigned JWT naming another user and org
      await token(
        { sub: users.northAdmin, orgId: orgs.lakeside },
        { secret: "another-secret-entirely-0123456789abcdef" },
      ),
      await token({ sub: users.grey, orgId: orgs.northside }, { maxAge: -60 }), // next-auth allows 15 s of clock skew
      "not-a-token",
    ];
    for (const jwt of attempts) {
      const res = await list(jwt);
      expect(res.status, `attempt ${attempts.indexOf(jwt)}`).toBe(401);
      expect(res.body.error?.json.data.code).toBe("UNAUTHORIZED");
      expect(res.body.result).toBeUndefined();
    }
    const [{ after }] = await ownerSql()`select count(*)::int as after from audit_events`;
    expect(after).toBe(before); // no list page was served to any of them
  });

  it("a correctly signed session naming an org the user does not belong to reads nothing", async () => {
    const { users, orgs } = await demoIds();
    const res = await list(await token({ sub: users.grey, orgId: orgs.lakeside }));
    expect(res.status).toBe(200);
    expect((res.body.result as { data: { json: { items: unknown[] } } }).data.json.items).toEqual([]);
  });
});
