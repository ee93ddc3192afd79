import { randomBytes, randomUUID } from "node:crypto";
import { afterEach, describe, expect, it, vi } from "vitest";
import { readSession } from "@/server/auth/session";
import { sessionCookie } from "@/tests/helpers/session-cookie";

const claims = () => ({
  sub: randomUUID(),
  sid: randomUUID(),
  sst: randomBytes(32).toString("base64url"),
  orgId: randomUUID(),
});

describe("decoded session tokens are reused only while the token itself is valid", () => {
  afterEach(() => vi.useRealTimers());

  it("answers the same identity for the same cookie, and nothing once the token has expired", async () => {
    const c = claims();
    const headers = new Headers({ cookie: await sessionCookie(c, { maxAge: 60 }) });
    const first = await readSession(headers);
    expect(first).toEqual({ userId: c.sub, orgId: c.orgId, sessionId: c.sid, secret: c.sst });
    expect(await readSession(headers)).toEqual(first);
    vi.useFakeTimers({ now: Date.now() + 120_000, toFake: ["Date"] });
    expect(await readSession(headers)).toBeNull();
  });

  it("never answers another cookie's identity", async () => {
    const [a, b] = [claims(), claims()];
    const ha = new Headers({ cookie: await sessionCookie(a) });
    const hb = new Headers({ cookie: await sessionCookie(b) });
    expect((await readSession(ha))?.userId).toBe(a.sub);
    expect((await readSession(hb))?.userId).toBe(b.sub);
    const tampered = new Headers({ cookie: `${hb.get("cookie")!.slice(0, -4)}AAAA` });
    expect(await readSession(tampered)).toBeNull();
  });
});
