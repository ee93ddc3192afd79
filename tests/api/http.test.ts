import { beforeAll, describe, expect, it } from "vitest";
import { POST, GET } from "@/tests/helpers/trpc-http";
import { GET as health } from "@/app/api/health/route";
import { cookieFor, ownerSql, patientIdByMrn } from "@/tests/helpers/db";

// Through the API handler scripts/serve.ts answers with (server/trpc/node-handler.ts: the node adapter + createContext reading the session cookie).

async function query(path: string, input: unknown, cookie?: string) {
  const url = `http://localhost/api/trpc/${path}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`;
  const res = await GET(new Request(url, { headers: cookie ? { cookie } : {} }));
  return { status: res.status, body: await res.json() };
}

async function mutate(path: string, input: unknown, cookie?: string) {
  const res = await POST(
    new Request(`http://localhost/api/trpc/${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(cookie ? { cookie } : {}) },
      body: JSON.stringify({ json: input }),
    }),
  );
  return { status: res.status, body: await res.json() };
}

describe("tRPC over HTTP", () => {
  let grey: string;
  beforeAll(async () => {
    grey = await cookieFor("grey", "northside");
  });

  it("a signed-in clinician gets their list", async () => {
    const res = await query("patients.list", { limit: 5 }, grey);
    expect(res.status).toBe(200);
    expect(res.body.result.data.json.items).toHaveLength(5);
  });

  it("another org's patient and an unassigned one both answer NOT_FOUND, like an id that does not exist", async () => {
    for (const id of [
      await patientIdByMrn("DEMO-L-0001"),
      await patientIdByMrn("DEMO-N-0025"),
      "00000000-0000-4000-8000-000000000000",
    ]) {
      const res = await query("patients.byId", { id }, grey);
      expect(res.status).toBe(404);
      expect(res.body.error.json.data.code).toBe("NOT_FOUND");
      expect(res.body.error.json.message).toBe("Patient not found.");
    }
  });

  it("a clinician calling an admin procedure gets FORBIDDEN and nothing changes", async () => {
    const id = await patientIdByMrn("DEMO-N-0001");
    const res = await mutate("patients.archive", { id }, grey);
    expect(res.status).toBe(403);
    expect(res.body.error.json.data.code).toBe("FORBIDDEN");
    const [row] = await ownerSql()`select archived_at from patients where id = ${id}`;
    expect(row.archived_at).toBeNull();
  });

  it("bad input is BAD_REQUEST with zod issues, never a 500", async () => {
    const res = await query("patients.byId", { id: "not-a-uuid" }, grey);
    expect(res.status).toBe(400);
    expect(res.body.error.json.data.code).toBe("BAD_REQUEST");
    expect(res.body.error.json.data.zodIssues[0].path).toEqual(["id"]);
  });

  it("no cookie, another secret, an idle-expired token and one past the absolute limit are all UNAUTHORIZED", async () => {
    const forged = await cookieFor("northAdmin", "northside", { secret: "some-other-secret-0123456789abcdef" });
    const idle = await cookieFor("grey", "northside", { maxAge: -60 });
    const tooOld = await cookieFor("grey", "northside", { loginAt: Math.floor(Date.now() / 1000) - 12 * 3600 - 5 });
    process.env.SESSION_MAX_HOURS = "1"; // a shorter absolute limit takes effect without re-issuing tokens
    const pastShortLimit = await cookieFor("grey", "northside", { loginAt: Math.floor(Date.now() / 1000) - 3601 });
    const [fresh] = [await cookieFor("grey", "northside")];
    try {
      expect((await query("patients.list", {}, fresh)).status).toBe(200);
      expect((await query("patients.list", {}, pastShortLimit)).status).toBe(401);
    } finally {
      delete process.env.SESSION_MAX_HOURS;
    }
    for (const cookie of [undefined, forged, idle, tooOld]) {
      const res = await query("patients.list", {}, cookie);
      expect(res.status).toBe(401);
      expect(res.body.error.json.data.code).toBe("UNAUTHORIZED");
    }
  });

  it("every answer carries the security headers and no-store; Server-Timing only when the operator turns it on", async () => {
    const url = `http://localhost/api/trpc/patients.list?input=${encodeURIComponent(JSON.stringify({ json: { limit: 5 } }))}`;
    for (const cookie of [grey, undefined]) {
      const res = await GET(new Request(url, { headers: cookie ? { cookie } : {} }));
      expect(res.headers.get("content-security-policy")).toContain("default-src 'self'");
      expect(res.headers.get("x-frame-options")).toBe("DENY");
      expect(res.headers.get("cache-control")).toBe("no-store");
      expect(res.headers.get("server-timing")).toBeNull();
    }
    process.env.CAREROSTER_SERVER_TIMING = "1";
    try {
      const res = await GET(new Request(url, { headers: { cookie: grey } }));
      expect(res.status).toBe(200);
      const stages = (res.headers.get("server-timing") ?? "").split(", ").map((s) => s.split(";")[0]);
      expect(stages).toEqual(expect.arrayContaining(["session", "query1", "commit", "serialize"]));
      expect(res.headers.get("server-timing")).not.toMatch(/DEMO|Grey|@/);
    } finally {
      delete process.env.CAREROSTER_SERVER_TIMING;
    }
  });

  it("health answers 200 with the database reachable", async () => {
    const res = await health();
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok" });
  });
});
