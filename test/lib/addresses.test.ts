import type { LookupAddress } from 'node:dns';
import { describe, expect, it } from 'vitest';
import { isPrivateAddress, isPrivateHost } from '../../src/lib/addresses';
import { connectionLookup } from '../../src/worker/outbound';

describe('private and loopback addresses (webhook receivers that may be refused)', () => {
  it.each([
    '127.0.0.1', '127.8.9.10', '10.0.0.1', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '100.64.0.1',
    '0.0.0.0', '224.0.0.1', '255.255.255.255', '::1', '::', 'fd00::1', 'fe80::1', '::ffff:127.0.0.1', '::ffff:10.0.0.1',
  ])('%s is private', (address) => expect(isPrivateAddress(address)).toBe(true));

  // IPv6 forms that carry a private IPv4 address: a translating gateway reaches that host.
  it.each([
    ['NAT64', '64:ff9b::a9fe:a9fe'],
    ['NAT64, dotted', '64:ff9b::169.254.169.254'],
    ['NAT64, long', '0064:ff9b:0000:0000:0000:0000:7f00:0001'],
    ['NAT64 local-use', '64:ff9b:1::a9fe:a9fe'],
    ['6to4', '2002:a9fe:a9fe::'],
    ['6to4 of loopback', '2002:7f00:1::1'],
    ['IPv4-compatible', '::127.0.0.1'],
    ['IPv4-compatible, hex', '::a9fe:a9fe'],
    ['IPv4-compatible, private network', '::10.1.2.3'],
    ['IPv4-mapped, hex', '::ffff:7f00:1'],
    ['IPv4-mapped, hex, metadata', '::ffff:a9fe:a9fe'],
    ['IPv4-mapped, long', '0:0:0:0:0:ffff:127.0.0.1'],
    ['IPv4-mapped, long hex', '0000:0000:0000:0000:0000:FFFF:A9FE:A9FE'],
    ['IPv4-translated', '::ffff:0:127.0.0.1'],
    ['IPv4-translated, hex', '::ffff:0:a9fe:a9fe'],
    ['Teredo, private server', '2001:0:a9fe:a9fe::1'],
    ['Teredo, private client', '2001:0:5db8:d822:0:0:80ff:fffe'],
    ['site-local', 'fec0::1'],
    ['documentation', '2001:db8::1'],
  ])('%s %s is private', (_form, address) => expect(isPrivateAddress(address)).toBe(true));

  it.each([
    '8.8.8.8', '93.184.216.34', '172.32.0.1', '100.128.0.1', '2001:4860:4860::8888', '::ffff:8.8.8.8',
    // The same forms around a public IPv4 address stay public.
    '64:ff9b::5db8:d822', '2002:5db8:d822::1', '::ffff:5db8:d822', '2606:2800:220:1:248:1893:25c8:1946',
  ])('%s is public', (address) => expect(isPrivateAddress(address)).toBe(false));

  it('judges URL hosts by name only where the name says it: IP literals and localhost, with or without the trailing dot', () => {
    for (const host of ['localhost', 'localhost.', 'LOCALHOST..', 'api.LOCALHOST', 'api.localhost.', '[::1]', '[::127.0.0.1]', '[64:ff9b::a9fe:a9fe]', '[2002:a9fe:a9fe::]', '[::ffff:7f00:1]', '10.1.2.3', '']) {
      expect(isPrivateHost(host), host).toBe(true);
    }
    for (const host of ['shop.example', 'shop.example.', 'localhost.shop.example', '8.8.8.8', '[2606:2800:220:1:248:1893:25c8:1946]']) {
      expect(isPrivateHost(host), host).toBe(false);
    }
  });
});

describe("the connection's lookup (delivery)", () => {
  const lookupOf = (addresses: string[], refusePrivate: boolean) => {
    const lookup = connectionLookup(async () => addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })), refusePrivate);
    return (all: boolean) =>
      new Promise<{ error: NodeJS.ErrnoException | null; result: unknown }>((resolve) =>
        lookup('receiver.example', { all } as never, ((error: NodeJS.ErrnoException | null, address: string | LookupAddress[]) => resolve({ error, result: address })) as never),
      );
  };

  it('refuses a name when any address it resolves to is private, in every form', async () => {
    for (const address of ['127.0.0.1', '169.254.169.254', '64:ff9b::a9fe:a9fe', '2002:a9fe:a9fe::', '::127.0.0.1', '::a9fe:a9fe', '::ffff:7f00:1', '::ffff:169.254.169.254']) {
      for (const all of [false, true]) {
        const { error } = await lookupOf(['93.184.216.34', address], true)(all);
        expect(error?.code, address).toBe('EREFUSED');
        expect(error?.message).toBe(`refused: receiver.example resolves to private address ${address}`);
      }
    }
  });

  it('passes public addresses on, and private ones when private receivers are allowed', async () => {
    expect(await lookupOf(['93.184.216.34'], true)(false)).toEqual({ error: null, result: '93.184.216.34' });
    expect(await lookupOf(['2606:2800:220:1:248:1893:25c8:1946', '93.184.216.34'], true)(true)).toEqual({
      error: null,
      result: [
        { address: '2606:2800:220:1:248:1893:25c8:1946', family: 6 },
        { address: '93.184.216.34', family: 4 },
      ],
    });
    expect(await lookupOf(['127.0.0.1'], false)(false)).toEqual({ error: null, result: '127.0.0.1' });
  });
});
