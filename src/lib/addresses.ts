import { BlockList, isIP } from 'node:net';

/**
 * Addresses a webhook must not reach when private receivers are refused: loopback, private
 * networks, link-local (cloud metadata services live at 169.254.169.254), carrier-grade NAT,
 * unspecified, multicast and reserved ranges. IPv4-mapped IPv6 (`::ffff:127.0.0.1`) is checked as
 * IPv4 by BlockList itself.
 *
 *   isPrivateAddress('10.1.2.3');   // true
 *   isPrivateAddress('93.184.216.34'); // false
 */
const PRIVATE = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  PRIVATE.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  PRIVATE.addSubnet(network, prefix, 'ipv6');
}

export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) throw new Error(`Not an IP address: ${address}`);
  return PRIVATE.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/**
 * True when a URL's host is, by its name alone, private or loopback: an IP literal in those
 * ranges, or `localhost` (RFC 6761 reserves every `*.localhost` name for loopback). Other names
 * are only known once resolved, so senders check the resolved address too.
 */
export function isPrivateHost(hostname: string): boolean {
  const host = hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  return isIP(host) !== 0 && isPrivateAddress(host);
}
