import { describe, expect, it } from "vitest";
import { patientCreateInput } from "@/lib/schemas/patients";
import { addDays, formatDate, parseDate, parseDateTime, wallTimeInZone, weekStart } from "@/lib/time";

// One date format in and out: what the app prints ("4 Apr 1979") is what every input takes, and ISO too.
describe("dates as people type them", () => {
  it("reads the app's format and ISO, and refuses what is not a calendar day", () => {
    for (const typed of ["4 Apr 1979", "04 april 1979", "4 Apr. 1979", " 4  APR 1979 ", "1979-04-04", "1979-4-4"]) {
      expect(parseDate(typed), typed).toBe("1979-04-04");
    }
    expect(parseDate("4 Sept 1979")).toBe("1979-09-04");
    for (const typed of ["31 Feb 2020", "4 Apx 1979", "4/4/1979", "04-04-1979", "1979", "", "4 ma 1979"]) {
      expect(parseDate(typed), typed).toBeNull();
    }
    expect(parseDate(formatDate("2024-02-29"))).toBe("2024-02-29");
  });

  it("reads a date and time, and the schemas take the typed date", () => {
    expect(parseDateTime("4 Mar 2031 09:30")).toBe("2031-03-04T09:30");
    expect(parseDateTime("2031-03-04T09:30")).toBe("2031-03-04T09:30");
    expect(parseDateTime("2031-03-04 9:05")).toBe("2031-03-04T09:05");
    expect(parseDateTime("4 Mar 2031 24:00")).toBeNull();
    expect(parseDateTime("4 Mar 2031")).toBeNull();
    const base = { mrn: "X-1", givenName: "A", familyName: "B", sex: "unknown" as const };
    expect(patientCreateInput.parse({ ...base, birthDate: "4 Apr 1979" }).birthDate).toBe("1979-04-04");
    expect(patientCreateInput.safeParse({ ...base, birthDate: "31 Feb 1979" }).success).toBe(false);
  });

  it("steps calendar days and weeks without a clock, across DST", () => {
    expect(addDays("2032-03-13", 1)).toBe("2032-03-14");
    expect(addDays("2032-03-01", -1)).toBe("2032-02-29");
    expect(weekStart("2032-03-14")).toBe("2032-03-08");
    expect(weekStart("2032-03-15")).toBe("2032-03-15");
    // 09:00 on the spring-forward Sunday in New York is EDT (13:00Z), the day before EST (14:00Z).
    expect(wallTimeInZone("2032-03-14T09:00", "America/New_York")?.toISOString()).toBe("2032-03-14T13:00:00.000Z");
    expect(wallTimeInZone("2032-03-13T09:00", "America/New_York")?.toISOString()).toBe("2032-03-13T14:00:00.000Z");
  });
});
