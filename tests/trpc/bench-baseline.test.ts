import { describe, expect, it } from "vitest";
import { GET } from "@/app/api/bench-baseline/route";
import { demoIds } from "@/tests/helpers/db";

describe("benchmark baseline route", () => {
  it("answers 404 in a normal start (no flag), even with valid parameters", async () => {
    const { users, orgs } = await demoIds();
    expect(process.env.CAREROSTER_BENCH_BASELINE).toBeUndefined();
    const res = await GET(
      new Request(`http://localhost/api/bench-baseline?clinicianId=${users.grey}&orgId=${orgs.northside}`),
    );
    expect(res.status).toBe(404);
    // The flag alone is not enough: it also needs the bench's own connection string.
    process.env.CAREROSTER_BENCH_BASELINE = "1";
    try {
      expect(
        (
          await GET(
            new Request(`http://localhost/api/bench-baseline?clinicianId=${users.grey}&orgId=${orgs.northside}`),
          )
        ).status,
      ).toBe(404);
    } finally {
      delete process.env.CAREROSTER_BENCH_BASELINE;
    }
  });
});
