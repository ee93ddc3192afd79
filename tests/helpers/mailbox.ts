import { readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";

/**
 * Reads the `.eml` files server/mail writes when SMTP_URL is unset, as a mail client would:
 * headers unfolded, the body decoded from its Content-Transfer-Encoding. Used by the Vitest
 * tests and the Playwright journeys (no mock: the app's own files).
 */
export interface Eml {
  file: string;
  to: string;
  subject: string;
  text: string;
  headers: Record<string, string>;
}

export function parseEml(raw: string, file = ""): Eml {
  const split = raw.indexOf("\r\n\r\n");
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, " ");
  const body = raw.slice(split + 4);
  const headers: Record<string, string> = {};
  for (const line of head.split("\r\n")) {
    const i = line.indexOf(":");
    headers[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
  }
  const encoding = (headers["content-transfer-encoding"] ?? "7bit").toLowerCase();
  const text =
    encoding === "quoted-printable"
      ? Buffer.from(
          body.replace(/=\r\n/g, "").replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))),
          "latin1",
        ).toString("utf8")
      : encoding === "base64"
        ? Buffer.from(body, "base64").toString("utf8")
        : body;
  return { file, to: headers.to ?? "", subject: headers.subject ?? "", text: text.replace(/\r\n/g, "\n"), headers };
}

/** Messages to `to` written at or after `since` (ms), oldest first. */
export async function mailsTo(dir: string, to: string, since = 0): Promise<Eml[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const out: Eml[] = [];
  for (const name of names.filter((n) => n.endsWith(".eml")).sort()) {
    const file = path.join(dir, name);
    if ((await stat(file)).mtimeMs < since) continue;
    const eml = parseEml(await readFile(file, "utf8"), file);
    if (eml.to.toLowerCase().includes(to.toLowerCase())) out.push(eml);
  }
  return out;
}

/** Waits for the newest message to `to` since `since` (the reset mail is sent without the request waiting for it). */
export async function waitForMail(dir: string, to: string, since: number, count = 1, timeoutMs = 15_000): Promise<Eml> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const found = await mailsTo(dir, to, since);
    if (found.length >= count) return found[found.length - 1];
    if (Date.now() > end) throw new Error(`no mail to ${to} in ${dir} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The action link of a CareRoster message, and its token. */
export function linkOf(eml: Eml): { url: string; path: string; token: string } {
  const m = eml.text.match(/https?:\/\/[^\s/]+(\/(?:invite|reset-password)\/([A-Za-z0-9_-]{43}))/);
  if (!m) throw new Error(`no link in ${eml.file}`);
  return { url: m[0], path: m[1], token: m[2] };
}
