import type { AddressInfo } from "node:net";
import dns2 from "dns2";

const { Packet } = dns2;
const NXDOMAIN = 3;

export interface TestDnsServer {
  /** `127.0.0.1:<port>`, as CAREROSTER_DNS_SERVER takes it. */
  address: string;
  /** Answers these TXT values at `name` (replacing any before). */
  setTxt(name: string, values: string[]): void;
  /** The name no longer exists (NXDOMAIN). */
  remove(name: string): void;
  /** The server stops answering at all (the resolver times out). */
  silence(on: boolean): void;
  close(): Promise<void>;
}

/**
 * A real DNS server (dns2, UDP on the loopback; a free port unless given) that answers only the TXT
 * records a test sets: what the app's resolver sees when a practice publishes, changes or deletes
 * its record.
 */
export async function startDnsServer(port = 0): Promise<TestDnsServer> {
  const zone = new Map<string, string[]>();
  let silent = false;
  const server = dns2.createUDPServer((request, send) => {
    if (silent) return;
    const response = Packet.createResponseFromRequest(request);
    const [question] = request.questions;
    const values = zone.get(question.name.toLowerCase());
    if (!values) response.header.rcode = NXDOMAIN;
    else if (question.type === Packet.TYPE.TXT)
      for (const data of values) response.answers.push(Packet.createResourceFromQuestion(question, { ttl: 1, data }));
    void send(response);
  });
  await server.listen(port, "127.0.0.1");
  return {
    address: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    setTxt: (name, values) => zone.set(name.toLowerCase(), values),
    remove: (name) => zone.delete(name.toLowerCase()),
    silence: (on) => {
      silent = on;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
