import { methodFor } from '../../methods';
import type { KONBINI_STORES } from '../../methods/konbini';
import type { PaymentMethod } from '../../methods/method';
import type { Services } from '../context';
import type { Currency } from '../../kernel/money';
import { convertAmount, defaultRates, exchangeRate, type Rates } from '../rates';
import type { Session, SessionMethodEntry } from '../../model/session';


/**
 * What a session offers (spec §6.3): each method's amount and currency — the session's own, or
 * converted at rates fixed when the session was created — and the `payment_methods` entries the
 * API shows of them. Pure functions over the session row; the commands are in this folder.
 */

/**
 * How a session offers one method (spec §6.3): in the session's currency when the method takes
 * it; otherwise in the first of the method's currencies an exchange rate reaches, at the converted
 * amount (`exchange_rate` = units of that currency per 1 unit of the session's). Null when the
 * method cannot be offered at all. `amount` is null for sessions without one (customer mode).
 *
 *   methodOffer(rates, konbini, 'USD', 6000); // { currency: 'JPY', amount: 8139, exchange_rate: 135.65 }
 */
export interface MethodOffer {
  currency: Currency;
  amount: number | null;
  exchange_rate: number;
}

export function methodOffer(rates: Rates, method: PaymentMethod, currency: Currency, amount: number | null): MethodOffer | null {
  if (method.currencies === 'all' || method.currencies.includes(currency)) return { currency, amount, exchange_rate: 1 };
  for (const target of method.currencies) {
    const rate = exchangeRate(rates, currency, target);
    if (rate !== null) return { currency: target, amount: amount === null ? null : convertAmount(amount, currency, target, rate), exchange_rate: rate };
  }
  return null;
}

export function ratesOf(services: Services): Rates {
  return services.rates ?? defaultRates();
}

/** A session's offer of `type` (null when the type is unknown or no longer convertible). */
export function sessionOffer(services: Services, session: Session, type: string): MethodOffer | null {
  const method = methodFor(type);
  return method ? methodOffer(sessionRates(services, session), method, session.currency as Currency, session.amount === null ? null : Number(session.amount)) : null;
}

/** The rates a session converts at: those fixed at its creation, or (older sessions) the current table. */
function sessionRates(services: Services, session: Session): Rates {
  if (!session.exchange_rates) return ratesOf(services);
  const base = session.currency as Currency;
  return { base, perBase: new Map<Currency, number>([[base, 1], ...(Object.entries(session.exchange_rates) as [Currency, number][])]) };
}

/** The rates of `types`' converted offers in `currency`, to be fixed on a new session. */
export function ratesToFix(rates: Rates, types: readonly string[], currency: Currency): Record<string, number> {
  const fixed: Record<string, number> = {};
  for (const type of types) {
    const method = methodFor(type);
    const offer = method && methodOffer(rates, method, currency, null);
    if (offer && offer.currency !== currency) fixed[offer.currency] = offer.exchange_rate;
  }
  return fixed;
}

/**
 * The methods a session offers. A card method lists the brands it accepts as slugs (spec §6.3);
 * konbini maps each store to `{icon}`, the path of its logo on this server. Both under every API
 * version (see konbiniBrands).
 *
 *   sessionMethods(services, session)[0].brands; // ['visa', 'master', 'american_express', …]
 */
export function sessionMethods(services: Services, session: Session): SessionMethodEntry[] {
  return session.payment_types.flatMap((type) => {
    const method = methodFor(type);
    const offer = sessionOffer(services, session, type);
    if (!method || !offer) return [];
    const entry: SessionMethodEntry = {
      type,
      amount: offer.amount,
      currency: offer.currency,
      exchange_rate: offer.exchange_rate,
      customer_fee: 0,
      offsite: method.flow === 'offsite',
      additional_fields: method.flow === 'offsite' ? method.checkoutFields.map((field) => field.name) : [],
    };
    // Customer mode has no amount: the entries leave it out, as the session does (decision 18).
    if (entry.amount === null) delete (entry as Partial<SessionMethodEntry>).amount;
    // Its `subtypes` (GET /payment_methods), always as a list: KOMOJU Fields maps it to logo URLs
    // itself (`brands.map((brand) => …/credit_card.svg?brands=${brand})`, its test session has
    // ["visa", "master"]), so konbini's map or `{icon}` objects would break it. This server serves
    // a logo per brand at /assets/cards/<brand>.svg, which the hosted page shows.
    if (method.flow === 'card') return [{ type, brands: [...(method.subtypes ?? [])], ...withoutType(entry) }];
    if (method.storePicker) return [{ type, brands: konbiniBrands(), ...withoutType(entry) }];
    return [entry];
  });
}

function withoutType(entry: SessionMethodEntry): Omit<SessionMethodEntry, 'type'> {
  const { type: _type, ...rest } = entry;
  return rest;
}

/** The seed's order of konbini brands. */
export const KONBINI_STORE_ORDER = ['seven-eleven', 'lawson', 'family-mart', 'ministop', 'daily-yamazaki', 'seicomart'] as const satisfies readonly (typeof KONBINI_STORES)[number][];

/**
 * Konbini's `brands`: store slug → `{icon}`, in the seed's order. What KOMOJU answers and its own
 * client reads: KOMOJU Fields draws each store as `<img src="${komojuApi}${brands[store].icon}">`
 * (src/fields/konbini/module.ts) and sends no X-KOMOJU-API-VERSION, and its fixture of a real
 * session (test-app/test-session.mjs, 2022, before versions existed) has
 * `{"icon": "/assets/konbini/seven-eleven-….svg"}`. So under every version: the seed's older
 * slug → string form (2020) broke Fields without the header, and no published version selects it.
 * A path, never a full URL: Fields prefixes the API base it was given (`komoju-api`), as the seed's
 * `/images/konbini/…` paths also expect.
 */
export function konbiniBrands(): Record<string, { icon: string }> {
  return Object.fromEntries(KONBINI_STORE_ORDER.map((store) => [store, { icon: konbiniLogoPath(store) }]));
}

/** Where this server serves a konbini store's logo, relative to its public URL. */
export function konbiniLogoPath(store: string): string {
  return `/assets/konbini/${store}.svg`;
}

/** Where this server serves a card brand's logo (path only: the hosted page is on this server). */
export function cardLogoPath(brand: string): string {
  return `/assets/cards/${brand}.svg`;
}

