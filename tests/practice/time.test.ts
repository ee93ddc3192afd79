import { describe, expect, it } from "vitest";
import { ageOn, formatBirth, formatDate, formatDateTime, formatTime, isTimeZone, timeZones } from "@/lib/time";

describe("one clock (lib/time)", () => {
  const at = new Date("2026-11-23T20:21:00Z");
  it("shows a time in the practice's zone with its abbreviation", () => {
    expect(formatTime(at, "America/New_York")).toBe("15:21 EST");
    expect(formatTime(at, "UTC")).toBe("20:21 UTC");
    expect(formatDateTime(at, "America/New_York")).toBe("23 Nov 2026, 15:21 EST");
  });
  it("formats calendar dates without a zone shift, and ages from the practice's today", () => {
    expect(formatDate("1980-03-03")).toBe("3 Mar 1980");
    expect(ageOn("1980-11-24", at, "America/New_York")).toBe(45);
    expect(ageOn("1980-11-23", at, "America/New_York")).toBe(46);
    // 23:30 in New York is already the 24th in Tokyo.
    expect(ageOn("1980-11-24", new Date("2026-11-24T04:30:00Z"), "Asia/Tokyo")).toBe(46);
    expect(formatBirth("2026-01-10", at, "UTC")).toBe("10 Jan 2026 (10 months)");
  });
  it("knows real zones only", () => {
    expect(isTimeZone("Europe/Berlin")).toBe(true);
    expect(isTimeZone("Mars/Olympus")).toBe(false);
    expect(timeZones()).toContain("America/New_York");
  });
});

describe("wall times typed in a form", () => {
  it("are read in the practice's zone, across daylight saving", async () => {
    const { wallTimeInZone } = await import("@/lib/time");
    expect(wallTimeInZone("2026-11-23T15:21", "America/New_York")?.toISOString()).toBe("2026-11-23T20:21:00.000Z");
    expect(wallTimeInZone("2026-07-01T09:00", "America/New_York")?.toISOString()).toBe("2026-07-01T13:00:00.000Z");
    expect(wallTimeInZone("2026-07-01T09:00", "UTC")?.toISOString()).toBe("2026-07-01T09:00:00.000Z");
    expect(wallTimeInZone("nonsense", "UTC")).toBeNull();
  });
});
