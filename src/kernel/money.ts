import { ApiError } from './errors';

/**
 * Currencies KOMOJU accepts (its SDK's enum) and their minor-unit exponent. Zero-decimal
 * currencies follow KOMOJU's own list; every other one has two decimals.
 */
export const CURRENCIES = [
  'JPY', 'USD', 'EUR', 'TWD', 'KRW', 'PLN', 'GBP', 'HKD', 'SGD', 'NZD',
  'AUD', 'IDR', 'MYR', 'PHP', 'THB', 'CNY', 'BRL', 'CHF', 'CAD', 'VND',
] as const;

export type Currency = (typeof CURRENCIES)[number];

const ZERO_DECIMAL = new Set(['BIF', 'CLP', 'DJF', 'GNF', 'JPY', 'KMF', 'KRW', 'MGA', 'PYG', 'RWF', 'UGX', 'VND', 'VUV', 'XAF', 'XOF', 'XPF']);

export function decimalsOf(currency: string): number {
  return ZERO_DECIMAL.has(currency) ? 0 : 2;
}

export function parseCurrency(value: unknown, param = 'currency'): Currency {
  if (value === undefined || value === null || value === '') throw new ApiError('missing_parameter', { param });
  const upper = String(value).toUpperCase();
  if (!(CURRENCIES as readonly string[]).includes(upper)) throw new ApiError('invalid_currency', { param });
  return upper as Currency;
}

/** Largest amount accepted anywhere: KOMOJU's documented capture bound, 2^31 - 1 minor units. */
export const MAX_AMOUNT = 2_147_483_647;

/**
 * A non-negative whole amount in minor units. KOMOJU accepts numbers and numeric strings
 * ("1000"); anything else, fractions included, is invalid.
 */
export function parseAmount(value: unknown, param: string, { required = true, min = 0 } = {}): number | undefined {
  if (value === undefined || value === null || value === '') {
    if (required) throw new ApiError('missing_parameter', { param });
    return undefined;
  }
  const number = typeof value === 'number' ? value : typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(number) || number < min || number > MAX_AMOUNT) throw new ApiError('invalid_parameter', { param });
  return number;
}

/** The highest Japanese consumption-tax rate, applied when `tax` is omitted or `auto`. */
export const AUTO_TAX_RATE_PERCENT = 10;

/**
 * Tax in minor units: an explicit amount, or 10 % of `amount` rounded half up. Amounts are
 * already whole minor units, so the only rounding is of the percentage itself.
 */
export function resolveTax(amount: number, tax: unknown, param = 'tax'): number {
  if (tax === undefined || tax === null || tax === '' || tax === 'auto') {
    return Math.floor((amount * AUTO_TAX_RATE_PERCENT + 50) / 100);
  }
  return parseAmount(tax, param) as number;
}
