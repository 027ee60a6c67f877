import { createHmac } from 'node:crypto';
import { alphanumericFrom, digitsFrom, newId, randomAlphanumeric, randomDigits, type ByteSource } from './random';

/**
 * Where a merchant's ids, codes and shown tokens come from. Unseeded merchants draw from the
 * CSPRNG (randomIds); a seeded merchant's request draws from a keyed hash of its seed and the
 * request's place in the merchant's sequence (seededIds), so the same calls in the same order
 * give the same values on every run. Secrets that guard something (API keys, dashboard sessions,
 * encryption nonces) never come from here: they stay random for every merchant.
 *
 *   actor.ids.id();           // 'dofcje84ldv0j94wa06ldw71c'
 *   actor.ids.digits(11);     // '90865708838'
 */
export interface IdSource {
  /** A KOMOJU-style resource id: 25 lowercase alphanumerics. */
  id(): string;
  /** `length` lowercase alphanumerics (a PayPay payment id, a webhook's generated secret). */
  alphanumeric(length: number): string;
  /** `length` decimal digits, leading zeros kept (konbini receipts, bank-transfer accounts). */
  digits(length: number): string;
}

/** The CSPRNG, as lib/random.ts draws it: what every unseeded merchant uses. */
export const randomIds: IdSource = { id: newId, alphanumeric: randomAlphanumeric, digits: randomDigits };

/**
 * The values of request number `sequence` of a merchant seeded with `seed`: the bytes of
 * HMAC-SHA256(key = the seed in decimal, message = `<sequence>:<block>`) for block 0, 1, 2, …,
 * 32 bytes a block, turned into ids and digits by the same rejection sampling as the CSPRNG's.
 * Each request takes its own sequence number from the database (merchants.id_sequence), so two
 * requests never share a stream and no value repeats; within a request the values follow the
 * order the code asks for them, which is the same on every run.
 *
 *   const ids = seededIds(42, 1);
 *   ids.id(); // the same 25 characters for seed 42, request 1, on every machine
 */
export function seededIds(seed: number, sequence: number): IdSource {
  const key = String(seed);
  let block = 0;
  let bytes = Buffer.alloc(0);
  let offset = 0;
  const next: ByteSource = () => {
    if (offset === bytes.length) {
      bytes = createHmac('sha256', key).update(`${sequence}:${block++}`).digest();
      offset = 0;
    }
    return bytes[offset++];
  };
  return {
    id: () => alphanumericFrom(next, 25),
    alphanumeric: (length) => alphanumericFrom(next, length),
    digits: (length) => digitsFrom(next, length),
  };
}
