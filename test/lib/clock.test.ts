import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isoMillis, isoSeconds } from '../../src/lib/clock';
import { sha256Hex } from '../../src/lib/digest';

describe('isoSeconds', () => {
  it("prints toISOString's UTC time without milliseconds, for any date", () => {
    fc.assert(
      fc.property(fc.date({ min: new Date(-62198755200000), max: new Date(253402300799999), noInvalidDate: true }), (date) => {
        expect(isoSeconds(date)).toBe(date.toISOString().replace(/\.\d{3}Z$/, 'Z'));
      }),
      { numRuns: 2000 },
    );
    expect(isoSeconds(new Date('2020-06-09T07:42:14.999Z'))).toBe('2020-06-09T07:42:14Z');
  });

  it('keeps the extended form for years past 9999 and before 1000', () => {
    expect(isoSeconds(new Date('+010000-01-01T00:00:00.500Z'))).toBe('+010000-01-01T00:00:00Z');
    expect(isoSeconds(new Date('0999-12-31T23:59:59Z'))).toBe('0999-12-31T23:59:59Z');
  });

  it('throws on an invalid date, as toISOString does', () => {
    expect(() => isoSeconds(new Date(Number.NaN))).toThrow(RangeError);
  });
});

describe('isoMillis', () => {
  it('is toISOString, for any date', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date(-62198755200000), max: new Date(253402300799999), noInvalidDate: true }), (date) => {
        expect(isoMillis(date)).toBe(date.toISOString());
      }),
      { numRuns: 2000 },
    );
    expect(isoMillis(new Date('2020-06-09T07:42:14.009Z'))).toBe('2020-06-09T07:42:14.009Z');
    expect(isoMillis(new Date('2020-06-09T07:42:14.090Z'))).toBe('2020-06-09T07:42:14.090Z');
    expect(isoMillis(new Date('+010000-01-01T00:00:00.500Z'))).toBe('+010000-01-01T00:00:00.500Z');
    expect(() => isoMillis(new Date(Number.NaN))).toThrow(RangeError);
  });
});

describe('sha256Hex', () => {
  it("is SHA-256's hex digest", () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
