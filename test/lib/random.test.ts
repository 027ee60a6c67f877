import { describe, expect, it } from 'vitest';
import { newId, pooledRandomBytes, randomAlphanumeric, randomDigits, randomFraction, seededFractions } from '../../src/lib/random';

describe('random ids and digits', () => {
  it('makes 25-character lowercase alphanumeric ids that do not repeat, across refills of the byte pool', () => {
    const ids = Array.from({ length: 5000 }, newId); // ≈ 140 KB of random bytes: many pool refills
    for (const id of ids) expect(id).toMatch(/^[a-z0-9]{25}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('uses every character of the alphabet about equally often', () => {
    const counts = new Map<string, number>();
    for (const char of randomAlphanumeric(36_000)) counts.set(char, (counts.get(char) ?? 0) + 1);
    expect(counts.size).toBe(36);
    // Expected 1,000 each; ± 200 is over six standard deviations.
    for (const count of counts.values()) expect(Math.abs(count - 1000)).toBeLessThan(200);
  });

  it('makes digit strings of the asked length, leading zeros kept', () => {
    const values = Array.from({ length: 2000 }, () => randomDigits(11));
    for (const value of values) expect(value).toMatch(/^[0-9]{11}$/);
    expect(values.some((value) => value.startsWith('0'))).toBe(true);
  });

  it('hands out pooled bytes once each: nonces of 12 bytes never repeat, across refills', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const nonce = pooledRandomBytes(12);
      expect(nonce).toHaveLength(12);
      seen.add(nonce.toString('hex'));
    }
    expect(seen.size).toBe(2000);
  });
});

describe('random fractions', () => {
  it('draws fractions in [0, 1) spread over the whole interval', () => {
    const values = Array.from({ length: 10_000 }, randomFraction);
    for (const value of values) expect(value >= 0 && value < 1).toBe(true);
    // Expected 1,000 in each tenth; ± 200 is over six standard deviations.
    const tenths = new Array(10).fill(0);
    for (const value of values) tenths[Math.floor(value * 10)]++;
    for (const count of tenths) expect(Math.abs(count - 1000)).toBeLessThan(200);
  });

  it('repeats a seeded sequence exactly, in [0, 1)', () => {
    const a = seededFractions(7);
    const b = seededFractions(7);
    const first = Array.from({ length: 1000 }, a);
    expect(Array.from({ length: 1000 }, b)).toEqual(first);
    for (const value of first) expect(value >= 0 && value < 1).toBe(true);
    expect(new Set(first).size).toBe(1000);
    expect(seededFractions(8)()).not.toBe(first[0]);
  });
});
