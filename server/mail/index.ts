import { randomUUID } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import nodemailer, { type Transporter } from "nodemailer";
import { env } from "@/server/env";

/**
 * Outgoing mail. With SMTP_URL (e.g. smtps://user:pass@mail.example:465) messages go to that
 * server. Without it (the embedded default, the tests) each message is written as an RFC 5322
 * `.eml` file into CAREROSTER_MAIL_DIR (default `.data/mail/`) and its link printed to the
 * server log, so a newcomer can follow an invitation with no mail server. Messages carry account
 * links only, never patient data; the log line holds the recipient and the link, nothing else.
 */
export interface Mail {
  to: string;
  subject: string;
  text: string;
  /** The one action link of the message (logged in file mode). */
  link: string;
}

// No path.resolve() of the configured value: the bundler cannot scope a computed path and would trace
// the whole project into the server build. A relative CAREROSTER_MAIL_DIR resolves against the
// working directory when written, as path.resolve() would.
export const mailDir = () => env().CAREROSTER_MAIL_DIR ?? path.join(process.cwd(), ".data", "mail");

/** The public URL links point to (as next-auth sees it). */
export const appUrl = () =>
  (env().AUTH_URL ?? env().NEXTAUTH_URL ?? `http://localhost:${env().PORT}`).replace(/\/+$/, "");

let smtp: { url: string; transport: Transporter } | undefined;
// Builds RFC 5322 bytes (headers, MIME, CRLF line ends) without sending anything.
const fileTransport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: "windows" });

export async function sendMail(mail: Mail): Promise<void> {
  const message = { from: env().MAIL_FROM, to: mail.to, subject: mail.subject, text: mail.text };
  const url = env().SMTP_URL;
  if (url) {
    if (smtp?.url !== url) smtp = { url, transport: nodemailer.createTransport(url) };
    await smtp.transport.sendMail(message);
    return;
  }
  const info = await fileTransport.sendMail(message);
  const dir = mailDir();
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, `${new Date().toISOString().replace(/[:.]/g, "-")}-${randomUUID().slice(0, 8)}.eml`);
  // The link is a credential until used: readable by the server's user only.
  await writeFile(file, info.message as Buffer, { mode: 0o600 });
  console.log(`[mail] to ${mail.to}: ${mail.link}`);
}
