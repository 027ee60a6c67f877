import { BlockList, isIP } from 'node:net';

/**
 * Addresses a webhook must not reach when private receivers are refused: loopback, private
 * networks, link-local (cloud metadata services live at 169.254.169.254), carrier-grade NAT,
 * unspecified, documentation, multicast and reserved ranges, and their IPv6 counterparts.
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
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  PRIVATE.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b:1::', 48], // local-use NAT64 (RFC 8215): where the IPv4 sits depends on the site's prefix length
  ['100::', 64], // discard-only
  ['2001:db8::', 32], // documentation
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10], // site-local (deprecated, still routed inside some networks)
  ['ff00::', 8],
] as const) {
  PRIVATE.addSubnet(network, prefix, 'ipv6');
}

/**
 * True when an IP address is private, loopback or otherwise internal — including an IPv6 address
 * that carries an IPv4 one which is: IPv4-mapped `::ffff:a.b.c.d` and IPv4-translated
 * `::ffff:0:a.b.c.d`, IPv4-compatible `::a.b.c.d`, NAT64 `64:ff9b::a.b.c.d` (RFC 6052), 6to4
 * `2002:AABB:CCDD::` (RFC 3056) and Teredo `2001:0:SERVER::~CLIENT` (RFC 4380), in any spelling
 * (`::ffff:7f00:1` is `::ffff:127.0.0.1`). A gateway translating such an address reaches the
 * IPv4 host inside it, so it is judged as that host.
 *
 *   isPrivateAddress('10.1.2.3');              // true
 *   isPrivateAddress('64:ff9b::a9fe:a9fe');    // true (169.254.169.254)
 *   isPrivateAddress('93.184.216.34');         // false
 */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) throw new Error(`Not an IP address: ${address}`);
  if (family === 4) return PRIVATE.check(address, 'ipv4');
  if (PRIVATE.check(address, 'ipv6')) return true;
  const bytes = ipv6Bytes(address);
  return bytes === null || embeddedIPv4(bytes).some((ipv4) => PRIVATE.check(ipv4, 'ipv4'));
}

/**
 * The one judge of where a webhook may go, used at registration (the URL's host) and at delivery
 * (the URL's host before connecting, then every address it resolves to, inside the connection's
 * own DNS lookup, so nothing can change between the check and the connect). True for IP literals
 * that `isPrivateAddress` refuses and for `localhost` and every `*.localhost` name (RFC 6761),
 * written with or without the root's trailing dot (`localhost.` is the same name). Other names
 * are only known once resolved.
 *
 *   isPrivateHost('[::127.0.0.1]');  // true
 *   isPrivateHost('localhost.');     // true
 *   isPrivateHost('shop.example');   // false (its addresses are checked when it is resolved)
 */
export function isPrivateHost(hostname: string): boolean {
  const host = hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase().replace(/\.+$/, '');
  if (host === '' || host === 'localhost' || host.endsWith('.localhost')) return true;
  return isIP(host) !== 0 && isPrivateAddress(host);
}

/** The 16 bytes of an IPv6 address in any spelling (`::`, a dotted IPv4 tail, a `%zone`), or null. */
function ipv6Bytes(address: string): number[] | null {
  let text = address.replace(/%.*$/, '');
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number);
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const groups = (part: string) => (part === '' ? [] : part.split(':').map((g) => parseInt(g, 16)));
  const head = groups(halves[0]);
  const tail = halves.length === 2 ? groups(halves[1]) : [];
  const fill = halves.length === 2 ? 8 - head.length - tail.length : 0;
  const all = [...head, ...new Array<number>(Math.max(fill, 0)).fill(0), ...tail];
  if (all.length !== 8 || all.some((g) => Number.isNaN(g) || g < 0 || g > 0xffff)) return null;
  return all.flatMap((g) => [g >> 8, g & 0xff]);
}

const zero = (bytes: number[], from: number, to: number) => bytes.slice(from, to).every((b) => b === 0);
const v4 = (bytes: number[], at: number) => bytes.slice(at, at + 4).join('.');

/** The IPv4 addresses an IPv6 address stands for, by the transition mechanisms that embed one. */
function embeddedIPv4(b: number[]): string[] {
  const found: string[] = [];
  // ::a.b.c.d (IPv4-compatible) and ::ffff:a.b.c.d (IPv4-mapped)
  if (zero(b, 0, 10) && ((b[10] === 0 && b[11] === 0) || (b[10] === 0xff && b[11] === 0xff))) found.push(v4(b, 12));
  // ::ffff:0:a.b.c.d (IPv4-translated, RFC 2765)
  if (zero(b, 0, 8) && b[8] === 0xff && b[9] === 0xff && b[10] === 0 && b[11] === 0) found.push(v4(b, 12));
  // 64:ff9b::a.b.c.d (NAT64 well-known prefix)
  if (b[0] === 0 && b[1] === 0x64 && b[2] === 0xff && b[3] === 0x9b && zero(b, 4, 12)) found.push(v4(b, 12));
  // 2002:AABB:CCDD::/48 (6to4)
  if (b[0] === 0x20 && b[1] === 0x02) found.push(v4(b, 2));
  // 2001:0000:SERVER:flags:port:~CLIENT (Teredo): both ends are IPv4 hosts
  if (b[0] === 0x20 && b[1] === 0x01 && b[2] === 0 && b[3] === 0) {
    found.push(v4(b, 4), b.slice(12, 16).map((x) => x ^ 0xff).join('.'));
  }
  return found;
}
