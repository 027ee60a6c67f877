import { describe, expect, it } from 'vitest';
import { ApiError } from '../../src/kernel/errors';
import { check } from '../../src/domain/validate';
import { cardBrand, creditCard, luhnValid } from '../../src/methods/credit_card';
import { TEST_CARD_DECLINES, TEST_CARDS_APPROVED } from '../../src/processors/test-processor';

/** 15 March 2026, mid-day UTC: cards expiring 03/2026 are still valid, 02/2026 are not. */
const NOW = new Date('2026-03-15T12:00:00Z');

function prepare(overrides: Record<string, unknown> = {}) {
  return creditCard.prepare({ type: 'credit_card', number: '4111111111111111', month: 12, year: 2030, ...overrides }, { now: NOW });
}

function thrown(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ApiError);
    return error as ApiError;
  }
  throw new Error('expected an ApiError');
}

describe('luhnValid', () => {
  it.each([...Object.values(TEST_CARDS_APPROVED), ...Object.keys(TEST_CARD_DECLINES), '4242424242424242'])('accepts the test card %s', (number) => {
    expect(luhnValid(number)).toBe(true);
  });

  it.each(['4111111111111112', '4111111111111121', '5555555555554445', '378282246310006', '1234567812345678'])('rejects %s', (number) => {
    expect(luhnValid(number)).toBe(false);
  });

  it('doubles every second digit from the right, subtracting 9 above 9', () => {
    expect(luhnValid('79927398713')).toBe(true); // the textbook example
    expect(luhnValid('79927398710')).toBe(false);
    expect(luhnValid('0')).toBe(true);
    expect(luhnValid('18')).toBe(true); // 1·2 = 2, + 8 = 10
    expect(luhnValid('59')).toBe(true); // 5·2 = 10 → 1, + 9 = 10
  });
});

describe('cardBrand', () => {
  it.each(Object.entries(TEST_CARDS_APPROVED))('names the %s test card', (brand, number) => {
    expect(cardBrand(number)).toBe(brand);
  });

  it.each([
    ['4242424242424242', 'visa'],
    ['4123111111111000', 'visa'],
    ['5105105105105100', 'master'],
    ['2221000000000009', 'master'],
    ['2720990000000007', 'master'],
    ['371449635398431', 'american_express'],
    ['36227206271667', 'diners_club'],
    ['3528000000000106', 'jcb'],
    ['3589000000000003', 'jcb'],
    ['6011111111111117', 'discover'],
    ['6500000000000002', 'discover'],
    ['6200000000000005', 'unionpay'],
  ])('%s is %s', (number, brand) => {
    expect(cardBrand(number)).toBe(brand);
  });

  it.each(['1111111111111117', '9999999999999995', '2721000000000004', '3510000000000000', '7000000000000000'])('knows no brand for %s', (number) => {
    expect(cardBrand(number)).toBeNull();
  });
});

describe('creditCard.prepare', () => {
  it('normalises the details and adds the brand', () => {
    expect(prepare({ name: 'Taro Yamada', verification_value: '123' })).toEqual({
      type: 'credit_card',
      number: '4111111111111111',
      month: 12,
      year: 2030,
      verification_value: '123',
      brand: 'visa',
      name: 'Taro Yamada',
    });
  });

  it('strips spaces and dashes from the number', () => {
    expect(prepare({ number: '4111 1111-1111 1111' }).number).toBe('4111111111111111');
  });

  it('reads a two-digit year as this century', () => {
    expect(prepare({ year: 30 }).year).toBe(2030);
    expect(prepare({ year: 26, month: 3 }).year).toBe(2026);
  });

  it('accepts a card expiring this month and rejects one that expired last month', () => {
    expect(prepare({ year: 2026, month: 3 }).month).toBe(3);
    const error = thrown(() => prepare({ year: 2026, month: 2 }));
    expect([error.code, error.param]).toEqual(['invalid_parameter', 'payment_details.month']);
  });

  it('rejects a card that expired in an earlier year, naming the year', () => {
    const error = thrown(() => prepare({ year: 2025, month: 12 }));
    expect([error.code, error.param]).toEqual(['invalid_parameter', 'payment_details.year']);
    expect(thrown(() => prepare({ year: 20 })).param).toBe('payment_details.year');
  });

  it('rejects a three-digit year', () => {
    expect(thrown(() => prepare({ year: 203 })).param).toBe('payment_details.year');
  });

  it.each([
    ['a bad check digit', '4111111111111112'],
    ['letters', '4111abcd11111111'],
    ['too few digits', '41111111116'],
    ['too many digits', '41111111111111111111'],
    ['no known brand', '9999999999999995'],
  ])('rejects a number with %s as payment_details.number', (_why, number) => {
    const error = thrown(() => prepare({ number }));
    expect([error.status, error.code, error.param]).toEqual([422, 'invalid_parameter', 'payment_details.number']);
  });

  it('builds the name from given and family names, but `name` wins', () => {
    expect(prepare({ given_name: 'Taro', family_name: 'Yamada' }).name).toBe('Taro Yamada');
    expect(prepare({ given_name: 'Taro' }).name).toBe('Taro');
    expect(prepare({ name: 'T YAMADA', given_name: 'Taro', family_name: 'Yamada' }).name).toBe('T YAMADA');
    expect(prepare().name).toBeUndefined();
  });
});

describe('creditCard.detailsSchema', () => {
  const valid = () => ({ type: 'credit_card', number: '4111111111111111', month: '01', year: '2030', verification_value: '123' });

  it('coerces numeric strings as curl sends them', () => {
    const details = check(creditCard.detailsSchema, valid(), 'payment_details');
    expect(details).toMatchObject({ month: 1, year: 2030, verification_value: '123' });
  });

  it.each([
    ['month 13', { month: 13 }, 'invalid_parameter', 'payment_details.month'],
    ['month 0', { month: 0 }, 'invalid_parameter', 'payment_details.month'],
    ['a two-digit CVV', { verification_value: '12' }, 'invalid_parameter', 'payment_details.verification_value'],
    ['a five-digit CVV', { verification_value: '12345' }, 'invalid_parameter', 'payment_details.verification_value'],
    ['a bad e-mail', { email: 'not-an-email' }, 'invalid_parameter', 'payment_details.email'],
    ['no number', { number: undefined }, 'missing_parameter', 'payment_details.number'],
    ['no month', { month: undefined }, 'missing_parameter', 'payment_details.month'],
    ['no year', { year: undefined }, 'missing_parameter', 'payment_details.year'],
  ])('refuses %s', (_why, overrides, code, param) => {
    const details: Record<string, unknown> = { ...valid(), ...overrides };
    for (const key of Object.keys(details)) if (details[key] === undefined) delete details[key];
    const error = thrown(() => check(creditCard.detailsSchema, details, 'payment_details'));
    expect([error.code, error.param]).toEqual([code, param]);
  });
});

describe('creditCard test scenarios', () => {
  it('lists every documented test card with its outcome', () => {
    const outcomes = Object.fromEntries(creditCard.testScenarios.map((s) => [s.input.number, s.outcome]));
    for (const number of Object.values(TEST_CARDS_APPROVED)) expect(outcomes[number]).toBe('captured');
    expect(outcomes).toMatchObject({
      '4123111111111000': 'insufficient_funds',
      '4123111111111018': 'exceeds_limit',
      '4123111111111034': 'bad_verification_value',
      '4123111111111042': 'card_expired',
      '4123111111111059': 'card_declined',
      '4123111111111067': 'other_invalid',
      '4123111111111075': 'other_invalid',
    });
  });
});
