import { describe, expect, it } from 'vitest';
import { withArticle } from '../../src/lib/words';

describe('withArticle', () => {
  it.each([
    ['expired', 'an expired'],
    ['authorized', 'an authorized'],
    ['captured', 'a captured'],
    ['konbini', 'a konbini'],
    ['unionpay', 'a unionpay'],
  ])('%s → %s', (word, expected) => expect(withArticle(word)).toBe(expected));

  it('capitalises for the start of a sentence', () => {
    expect(withArticle('expired', { capital: true })).toBe('An expired');
    expect(withArticle('cancelled', { capital: true })).toBe('A cancelled');
  });
});
