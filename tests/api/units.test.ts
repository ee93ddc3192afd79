import { describe, expect, it } from "vitest";
import { safeCallbackPath } from "@/lib/callback-url";
import { describeUserAgent } from "@/server/auth/sessions";
import { csvRows, csvText } from "@/server/audit/csv";
import { resolveClientAddress } from "@/server/http/client-address";

const origin = "https://app.example";

describe("callbackUrl after sign-in", () => {
  it.each([
    "/%5Cevil.example",
    "/\\evil.example",
    "/\t/evil.example",
    "//evil.example",
    "https://evil.example",
    "/%5C%5Cevil.example",
    "\\\\evil.example",
    "/%2F%2Fevil.example",
    "javascript:alert(1)",
    "/%E0%A4%A",
  ])("%j falls back to the default", (value) => expect(safeCallbackPath(value, origin)).toBe("/"));
  it("keeps a same-origin path, query and fragment", () => {
    expect(safeCallbackPath("/patients/abc?x=1#notes", origin)).toBe("/patients/abc?x=1#notes");
    expect(safeCallbackPath("https://app.example/directory", origin)).toBe("/directory");
  });
});

describe("audit CSV cells", () => {
  it.each(["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])("%j is neutralised with a leading quote", (value) => {
    expect(csvText(value)).toBe(`'${value}`);
  });
  it("quotes every cell, doubles quotes, keeps newlines inside quotes, CRLF between rows", () => {
    expect(
      csvRows([
        ["a", 'say "hi"', "", null],
        ["line\nbreak", new Date("2026-01-02T03:04:05Z"), { k: 1 }, 7],
      ]),
    ).toBe('"a","say ""hi""","",""\r\n"line\nbreak","2026-01-02T03:04:05.000Z","{""k"":1}","7"\r\n');
  });
});

describe("client address", () => {
  it("without trusted hops it is the socket address, whatever X-Forwarded-For says", () => {
    expect(resolveClientAddress("::ffff:127.0.0.1", "6.6.6.6", 0)).toBe("127.0.0.1");
  });
  it("with one trusted hop it is the entry the proxy appended, not what the client wrote", () => {
    expect(resolveClientAddress("10.0.0.2", "6.6.6.6, 203.0.113.9", 1)).toBe("203.0.113.9");
    expect(resolveClientAddress("10.0.0.2", "203.0.113.9", 2)).toBe("203.0.113.9");
    expect(resolveClientAddress("10.0.0.2", undefined, 1)).toBe("10.0.0.2");
    expect(resolveClientAddress("10.0.0.2", "not-an-ip", 1)).toBe("10.0.0.2");
  });
});

describe("device names", () => {
  it("tells common browsers and systems apart", () => {
    expect(
      describeUserAgent(
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36",
      ),
    ).toBe("Chrome on Linux");
    expect(
      describeUserAgent(
        "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 Version/18.0 Mobile/15E148 Safari/604.1",
      ),
    ).toBe("Safari on iOS");
    expect(describeUserAgent("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:140.0) Gecko/20100101 Firefox/140.0")).toBe(
      "Firefox on Windows",
    );
    expect(describeUserAgent(null)).toBe("Unknown device");
  });
});
