import { randomBytes } from 'node:crypto';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

// Random bytes are drawn 4 KiB at a time: one CSPRNG call per id cost 3 % of a payment
// create's CPU. Each byte is handed out once.
const POOL_SIZE = 4096;
let pool = Buffer.alloc(0);
let offset = 0;

function randomByte(): number {
  if (offset === pool.length) {
    pool = randomBytes(POOL_SIZE);
    offset = 0;
  }
  return pool[offset++];
}

/**
 * `length` bytes from the CSPRNG pool, each handed out once, for values drawn on every request
 * such as AES-GCM nonces: a CSPRNG call per nonce cost 3 % of a payment create's CPU.
 */
export function pooledRandomBytes(length: number): Buffer {
  const out = Buffer.allocUnsafe(length);
  for (let i = 0; i < length; i++) out[i] = randomByte();
  return out;
}

/**
 * Random lowercase alphanumerics from the CSPRNG. 36^25 ≈ 2^129, so ids never collide in practice.
 * Rejection sampling keeps every character equally likely (256 is not a multiple of 36).
 */
export function randomAlphanumeric(length: number): string {
  return alphanumericFrom(randomByte, length);
}

/** A source of bytes: the CSPRNG pool here, a keyed hash's stream for seeded merchants (lib/ids.ts). */
export type ByteSource = () => number;

/** `length` lowercase alphanumerics drawn from `next` by rejection sampling, as randomAlphanumeric. */
export function alphanumericFrom(next: ByteSource, length: number): string {
  let out = '';
  while (out.length < length) {
    const byte = next();
    if (byte < 252) out += ALPHABET[byte % 36];
  }
  return out;
}

/** A KOMOJU-style resource id: 25 lowercase alphanumerics (e.g. `dofcje84ldv0j94wa06ldw71c`). */
export function newId(): string {
  return randomAlphanumeric(25);
}

/**
 * `length` random decimal digits from the CSPRNG, as a string (leading zeros kept): the numbers
 * printed on konbini slips and PayEasy / bank-transfer instructions. Rejection sampling keeps
 * every digit equally likely (250 is the largest multiple of 10 below 256).
 *
 *   randomDigits(11); // '90865708838'
 */
export function randomDigits(length: number): string {
  return digitsFrom(randomByte, length);
}

/** `length` decimal digits drawn from `next` by rejection sampling, as randomDigits. */
export function digitsFrom(next: ByteSource, length: number): string {
  let out = '';
  while (out.length < length) {
    const byte = next();
    if (byte < 250) out += String(byte % 10);
  }
  return out;
}

/** Fractions in [0, 1), what jitter is drawn from; `randomFraction` in production, `seededFractions` in tests. */
export type RandomFraction = () => number;

/**
 * A fraction in [0, 1) from the CSPRNG pool, with 32 bits of resolution (jitter needs no more).
 *
 *   randomFraction(); // 0.7312…
 */
export const randomFraction: RandomFraction = () => pooledRandomBytes(4).readUInt32BE(0) / 2 ** 32;

/**
 * A repeatable sequence of fractions in [0, 1) from `seed` (mulberry32): the same seed gives the
 * same sequence, so a test can know the jitter it gets. Not for anything that must be unguessable.
 *
 *   const next = seededFractions(42); next(); next();
 */
export function seededFractions(seed: number): RandomFraction {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}
