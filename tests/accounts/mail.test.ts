import { once } from "node:events";
import { mkdtemp, readdir, readFile, stat } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { sendMail } from "@/server/mail";
import { invitationMail } from "@/server/mail/messages";
import { linkOf, parseEml } from "@/tests/helpers/mailbox";

/**
 * A minimal SMTP server (RFC 5321: greeting, EHLO, MAIL, RCPT, DATA, QUIT) on a real socket, so
 * the SMTP_URL path is exercised by nodemailer end to end without a mail server on the machine.
 */
async function smtpSink(): Promise<{ server: Server; port: number; messages: string[] }> {
  const messages: string[] = [];
  const server = createServer((socket) => {
    let buffer = "";
    let inData = false;
    socket.write("220 sink.test ESMTP\r\n");
    socket.on("data", (chunk) => {
      buffer += chunk.toString("latin1");
      for (;;) {
        if (inData) {
          const end = buffer.indexOf("\r\n.\r\n");
          if (end < 0) return;
          messages.push(buffer.slice(0, end + 2).replace(/^\.\./gm, "."));
          buffer = buffer.slice(end + 5);
          inData = false;
          socket.write("250 2.0.0 queued\r\n");
          continue;
        }
        const nl = buffer.indexOf("\r\n");
        if (nl < 0) return;
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 2);
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === "EHLO" || verb === "HELO") socket.write("250-sink.test\r\n250 8BITMIME\r\n");
        else if (verb === "DATA") {
          inData = true;
          socket.write("354 go ahead\r\n");
        } else if (verb === "QUIT") socket.end("221 bye\r\n");
        else socket.write("250 OK\r\n");
      }
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return { server, port: (server.address() as { port: number }).port, messages };
}

const mail = () =>
  invitationMail({
    to: "someone@mail.test",
    orgName: "Northside Family Clinic",
    inviterName: "Nora Admin",
    role: "clinician",
    token: "A".repeat(43),
  });

describe("mail component", () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
  });

  it("without SMTP_URL writes an RFC 5322 .eml file (owner-only) and logs only the recipient and the link", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "careroster-mail-"));
    vi.stubEnv("SMTP_URL", "");
    vi.stubEnv("CAREROSTER_MAIL_DIR", dir);
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    await sendMail(mail());
    const [name] = await readdir(dir);
    expect(name).toMatch(/\.eml$/);
    const file = path.join(dir, name);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const raw = await readFile(file, "utf8");
    expect(raw).toMatch(/\r\n\r\n/); // CRLF header/body separator
    const eml = parseEml(raw, file);
    for (const h of ["from", "to", "subject", "date", "message-id", "mime-version", "content-type"])
      expect(eml.headers[h], h).toBeTruthy();
    expect(eml.headers.to).toBe("someone@mail.test");
    expect(linkOf(eml).token).toBe("A".repeat(43));
    expect(log.mock.calls.map((c) => c.join(" "))).toEqual([`[mail] to someone@mail.test: ${mail().link}`]);
  });

  it("with SMTP_URL sends through that server and writes no file", async () => {
    const sink = await smtpSink();
    const dir = await mkdtemp(path.join(tmpdir(), "careroster-mail-"));
    try {
      vi.stubEnv("SMTP_URL", `smtp://127.0.0.1:${sink.port}?ignoreTLS=true`);
      vi.stubEnv("CAREROSTER_MAIL_DIR", dir);
      await sendMail(mail());
      expect(sink.messages).toHaveLength(1);
      const eml = parseEml(sink.messages[0]);
      expect(eml.subject).toBe("You are invited to Northside Family Clinic on CareRoster");
      expect(linkOf(eml).token).toBe("A".repeat(43));
      expect(await readdir(dir)).toEqual([]);
    } finally {
      sink.server.close();
    }
  });
});
