import { describe, expect, it } from 'vitest';
import { canonicalText } from '../../src/lib/canonical';

describe('canonicalText', () => {
  it('sorts object keys at every depth and keeps array order', () => {
    expect(canonicalText({ b: { d: 1, c: [2, 1] }, a: 'x' })).toBe('{"a":"x","b":{"c":["2","1"],"d":"1"}}');
    expect(canonicalText({ b: 1, a: 2 })).toBe(canonicalText({ a: 2, b: 1 }));
    expect(canonicalText([1, 2])).not.toBe(canonicalText([2, 1]));
  });

  it('reads every scalar as its string, as a form sends it', () => {
    expect(canonicalText({ amount: 1000, capture: true })).toBe(canonicalText({ amount: '1000', capture: 'true' }));
  });

  it('keeps null, the empty string, absence and nesting apart', () => {
    const texts = [{ a: null }, { a: '' }, {}, { a: {} }, { a: [] }, { a: 'null' }, { a: ['x'] }, { a: 'x' }].map(canonicalText);
    expect(new Set(texts).size).toBe(texts.length);
    expect(canonicalText({ a: undefined })).toBe(canonicalText({}));
  });

  it('cannot be confused by keys or values that look like its own punctuation', () => {
    expect(canonicalText({ 'a":"b': 'c' })).not.toBe(canonicalText({ a: 'b":"c' }));
    expect(canonicalText({ a: 'x,"b":"y' })).not.toBe(canonicalText({ a: 'x', b: 'y' }));
  });

  it('writes a body nested 200,000 deep without overflowing the stack', () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 200_000; i++) deep = i % 2 ? [deep] : { k: deep };
    expect(canonicalText(deep)).toHaveLength(100_000 * 6 + 100_000 * 2 + 3) // {"k":…} and […] around "x";
  });
});
