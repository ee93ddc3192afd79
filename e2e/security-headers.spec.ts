import { expect, test } from "@playwright/test";
import { fillSignIn } from "./totp";

test(
  "pages and the API carry strict security headers and session cookies are HttpOnly, SameSite=Lax",
  { tag: "@security" },
  async ({ request, page }) => {
    for (const path of ["/login", "/api/trpc/patients.list", "/api/health"]) {
      const res = await request.get(path);
      const h = res.headers();
      expect(h["content-security-policy"], path).toContain("frame-ancestors 'none'");
      expect(h["content-security-policy"], path).toContain("default-src 'self'");
      expect(h["x-content-type-options"], path).toBe("nosniff");
      expect(h["x-frame-options"], path).toBe("DENY");
      expect(h["referrer-policy"], path).toBe("no-referrer");
      expect(h["cache-control"], path).toContain("no-store");
      expect(h["x-powered-by"], path).toBeUndefined();
      // Served over plain http here: HSTS only appears behind https.
      expect(h["strict-transport-security"], path).toBeUndefined();
    }
    await page.goto("/login");
    await fillSignIn(page, "house@lakeside.test");
    await expect(page.getByRole("heading", { name: "Today", level: 1 })).toBeVisible();
    const session = (await page.context().cookies()).find((c) => c.name.endsWith("next-auth.session-token"))!;
    expect(session).toMatchObject({ httpOnly: true, sameSite: "Lax" });
  },
);

test(
  "repeated wrong passwords lock the account for a while, with a clear message",
  { tag: "@security" },
  async ({ page }) => {
    await page.goto("/login");
    for (let i = 0; i < 5; i++) {
      await page.getByLabel("Email").fill("house@lakeside.test");
      await page.getByLabel("Password").fill(`wrong-password-${i}`);
      await page.getByRole("button", { name: "Sign in" }).click();
      await expect(page.locator("form").getByRole("alert")).toHaveText(
        "That email and password do not match an account.",
      );
    }
    await page.getByLabel("Password").fill("demo-password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.locator("form").getByRole("alert")).toHaveText(
      "Too many sign-in attempts. Wait 15 minutes and try again.",
    );
  },
);

test(
  "the icons, the web app manifest and robots.txt are served; every page asks search engines to stay out",
  { tag: "@security" },
  async ({ request, page }) => {
    const robots = await request.get("/robots.txt");
    expect(robots.status()).toBe(200);
    expect(await robots.text()).toMatch(/User-agent: \*\s+Disallow: \//);
    const manifest = await request.get("/manifest.webmanifest");
    expect(manifest.status()).toBe(200);
    const app = (await manifest.json()) as { name: string; theme_color: string; icons: { src: string }[] };
    expect(app).toMatchObject({ name: "CareRoster", theme_color: "#1f5fbf" });
    for (const icon of [...new Set(app.icons.map((i) => i.src)), "/apple-touch-icon.png", "/favicon-32.png"]) {
      const res = await request.get(icon);
      expect(res.status(), icon).toBe(200);
      expect(res.headers()["content-type"], icon).toMatch(/^image\//);
    }
    await page.goto("/login");
    await expect(page.locator('meta[name="robots"]')).toHaveAttribute("content", "noindex, nofollow");
    await expect(page.locator('link[rel="manifest"]')).toHaveAttribute("href", "/manifest.webmanifest");
    await expect(page.locator('link[rel="icon"][type="image/svg+xml"]')).toHaveAttribute("href", "/icon.svg");
  },
);
