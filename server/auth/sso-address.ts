import { BlockList, isIP } from "node:net";

/**
 * Addresses an SSO fetch may never reach: a practice admin types the issuer URL, and its discovery
 * document names further URLs, so neither may point us at this network or the cloud's metadata
 * service. Node's BlockList also matches IPv4-mapped IPv6 (`::ffff:10.0.0.1`) against the IPv4 rules.
 */
const forbidden = new BlockList();
for (const [net, prefix] of [
  ["0.0.0.0", 8], // unspecified, "this network"
  ["10.0.0.0", 8],
  ["100.64.0.0", 10], // carrier-grade NAT
  ["169.254.0.0", 16], // link-local, cloud metadata (169.254.169.254)
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["224.0.0.0", 4], // multicast
  ["240.0.0.0", 4], // reserved, broadcast
] as const)
  forbidden.addSubnet(net, prefix, "ipv4");
for (const [net, prefix] of [
  ["::", 128],
  ["64:ff9b::", 96], // NAT64: would reach any IPv4 address, the private ones too
  ["64:ff9b:1::", 48],
  ["100::", 64],
  ["fc00::", 7], // unique local
  ["fe80::", 10], // link-local
  ["fec0::", 10],
  ["ff00::", 8], // multicast
] as const)
  forbidden.addSubnet(net, prefix, "ipv6");

const loopback = new BlockList();
loopback.addSubnet("127.0.0.0", 8, "ipv4");
loopback.addAddress("::1", "ipv6");

const family = (ip: string) => (isIP(ip) === 6 ? "ipv6" : "ipv4");

export const isLoopbackAddress = (ip: string) => isIP(ip) !== 0 && loopback.check(ip, family(ip));

/** Whether `ip` may be connected to; loopback only when the operator's development flag allows it. */
export function addressAllowed(ip: string, allowLoopback: boolean): boolean {
  if (isIP(ip) === 0) return false;
  if (isLoopbackAddress(ip)) return allowLoopback;
  return !forbidden.check(ip, family(ip));
}
