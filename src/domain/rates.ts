import { readFileSync } from 'node:fs';
import { CURRENCIES, decimalsOf, type Currency } from '../kernel/money';

/**
 * Exchange rates for sessions in a currency a method does not take (spec §6.3): a USD session
 * offers konbini (JPY only) at a converted amount. The rates are a table of "units of each
 * currency per 1 unit of `base`"; a cross rate is the ratio of two entries. Built-in defaults live
 * in rates.json beside this file; `KESSAI_RATES_FILE` names a file of the same shape that replaces
 * them entirely (a currency it leaves out cannot be converted, so methods needing it are not
 * offered).
 *
 *   const rates = parseRates({ base: 'USD', rates: { USD: 1, JPY: 135.65 } }, 'example');
 *   exchangeRate(rates, 'USD', 'JPY'); // 135.65
 *   convertAmount(6000, 'USD', 'JPY', 135.65); // 8139 ($60.00 → ¥8,139, KOMOJU Fields' own example)
 */
export interface Rates {
  base: Currency;
  /** Units of the currency per 1 unit of `base`; `base` itself is 1. */
  perBase: ReadonlyMap<Currency, number>;
}

export class RatesError extends Error {}

const DEFAULTS_FILE = new URL('./rates.json', import.meta.url);

function isCurrency(value: unknown): value is Currency {
  return typeof value === 'string' && (CURRENCIES as readonly string[]).includes(value);
}

/** Checks a rates document (`{base, rates: {CUR: number}}`); `source` names it in errors. */
export function parseRates(document: unknown, source: string): Rates {
  const doc = document as { base?: unknown; rates?: unknown } | null;
  if (typeof doc !== 'object' || doc === null) throw new RatesError(`${source}: expected a JSON object {"base": "USD", "rates": {...}}`);
  if (!isCurrency(doc.base)) throw new RatesError(`${source}: "base" must be one of ${CURRENCIES.join(', ')}`);
  if (typeof doc.rates !== 'object' || doc.rates === null || Array.isArray(doc.rates)) throw new RatesError(`${source}: "rates" must be an object`);
  const perBase = new Map<Currency, number>([[doc.base, 1]]);
  for (const [currency, value] of Object.entries(doc.rates as Record<string, unknown>)) {
    if (!isCurrency(currency)) throw new RatesError(`${source}: unknown currency ${JSON.stringify(currency)}`);
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) throw new RatesError(`${source}: the rate of ${currency} must be a positive number`);
    if (currency === doc.base && value !== 1) throw new RatesError(`${source}: the base currency's rate must be 1`);
    perBase.set(currency, value);
  }
  return { base: doc.base, perBase };
}

/** The built-in rates, or those of `file` (KESSAI_RATES_FILE) instead. */
export function loadRates(file: string | null): Rates {
  const path = file ?? DEFAULTS_FILE;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new RatesError(`cannot read the rates file ${String(file)}: ${(error as Error).message}`);
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    throw new RatesError(`the rates file ${String(file ?? 'rates.json')} is not valid JSON`);
  }
  return parseRates(document, file ?? 'rates.json');
}

let defaults: Rates | undefined;

/** The built-in rates, read once. */
export function defaultRates(): Rates {
  defaults ??= loadRates(null);
  return defaults;
}

/** Cross rates keep 8 significant digits: what the API shows is exactly what converts. */
const SIGNIFICANT_DIGITS = 8;

/**
 * Units of `to` per 1 unit of `from` (1 for the same currency), or null when either is not in the
 * table.
 */
export function exchangeRate(rates: Rates, from: Currency, to: Currency): number | null {
  if (from === to) return 1;
  const a = rates.perBase.get(from);
  const b = rates.perBase.get(to);
  if (a === undefined || b === undefined) return null;
  return Number((b / a).toPrecision(SIGNIFICANT_DIGITS));
}

/**
 * `amount` minor units of `from` in minor units of `to` at `rate`, rounded half up to the target's
 * minor unit (spec §6.3: 6000 JPY × 0.00697 → 4182 EUR cents; $60.00 × 135.65 → ¥8,139).
 */
export function convertAmount(amount: number, from: Currency, to: Currency, rate: number): number {
  if (from === to) return amount;
  const exact = amount * rate * 10 ** (decimalsOf(to) - decimalsOf(from));
  // toPrecision drops float noise (8139.000000000001) before rounding half up.
  return Math.floor(Number(exact.toPrecision(12)) + 0.5);
}
