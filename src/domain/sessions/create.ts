import { CUSTOMER_MODE_TYPES, methodFor } from '../../methods';
import { parseScenario } from '../../processors/scenario-processor';
import * as customersRepo from '../../store/customers.repo';
import type { Db } from '../../store/db';
import * as sessionsRepo from '../../store/sessions.repo';
import { ApiError } from '../../kernel/errors';
import { parseCurrency, type Currency } from '../../kernel/money';
import type { LineItem, Session, SessionMode } from '../../model/session';
import type { Actor, Services } from '../context';
import { createCustomer } from '../customers';
import { enabledTypes } from '../merchants';
import type { Locale } from '../payments';
import { methodOffer, ratesOf, ratesToFix } from './offers';
import type { SessionView } from './view';

/** The request of POST /sessions after the route's schema has coerced and checked its types. */
export interface CreateSessionInput {
  mode?: SessionMode;
  amount?: number;
  currency: string;
  return_url?: string;
  default_locale?: Locale;
  email?: string;
  payment_types?: string[];
  payment_data?: Record<string, unknown>;
  metadata?: Record<string, string>;
  expires_in_seconds?: number;
  external_customer_id?: string;
  /** Customer modes: the customer to save the details on, instead of a new one. */
  customer_id?: string;
  line_items?: LineItem[];
}

/** KOMOJU sessions live 24 hours at most (SDK: expires_in_seconds ≤ 86400, the default). */
export const MAX_SESSION_SECONDS = 86_400;

/** A new session's order, checked: everything but the customer of the customer modes. */
interface SessionOrder {
  mode: SessionMode;
  currency: Currency;
  amount: number | null;
  types: string[];
  seconds: number;
  paymentData: Record<string, unknown>;
}

/**
 * Creates a session: the order (amount, currency, payment_data) and which methods the hosted page
 * offers. `payment_types` defaults to the merchant's enabled methods that take the currency; an
 * explicit list must name enabled methods. Nothing is charged here.
 */
export async function createSession(
  db: Db,
  services: Services,
  actor: Actor,
  input: CreateSessionInput,
  /** `Komoju-Scenario` (test mode): the decline code every payment of the session fails with. */
  options: { scenario?: string } = {},
): Promise<SessionView> {
  const now = actor.clock.now();
  const scenario = options.scenario === undefined ? null : parseScenario(options.scenario);
  const order = checkOrder(services, actor, input);
  const customerId = await sessionCustomer(db, services, actor, input, order.mode);
  const session: Session = {
    id: actor.ids.id(),
    merchant_id: actor.merchant.id,
    mode: order.mode,
    status: 'pending',
    amount: order.amount,
    currency: order.currency,
    return_url: input.return_url ?? null,
    default_locale: input.default_locale ?? 'ja',
    payment_types: order.types,
    payment_data: order.paymentData,
    metadata: input.metadata ?? {},
    email: input.email ?? null,
    external_customer_id: input.external_customer_id ?? null,
    customer_id: customerId,
    payment_id: null,
    expires_at: new Date(now.getTime() + order.seconds * 1000),
    created_at: now,
    completed_at: null,
    cancelled_at: null,
    updated_at: now,
    exchange_rates: ratesToFix(ratesOf(services), order.types, order.currency),
    scenario,
    line_items: input.line_items && input.line_items.length > 0 ? input.line_items : null,
  };
  await sessionsRepo.insertSession(db, session);
  return { session, payment: null };
}

/** Checks the whole request but its customer_id's existence, before anything is written. */
function checkOrder(services: Services, actor: Actor, input: CreateSessionInput): SessionOrder {
  const mode = input.mode ?? 'payment';
  const currency = parseCurrency(input.currency);
  let amount: number | null = null;
  if (mode !== 'customer') {
    if (input.amount === undefined) throw new ApiError('missing_parameter', { param: 'amount' });
    amount = input.amount;
  }
  const types = offeredTypes(services, actor, input, mode, currency, amount);
  const seconds = input.expires_in_seconds ?? MAX_SESSION_SECONDS;
  if (seconds < 1 || seconds > MAX_SESSION_SECONDS) {
    throw new ApiError('invalid_parameter', { param: 'expires_in_seconds', message: `expires_in_seconds must be between 1 and ${MAX_SESSION_SECONDS}` });
  }
  const paymentData = { capture: 'auto', ...(input.payment_data ?? {}) };
  if (paymentData.capture !== 'auto' && paymentData.capture !== 'manual') {
    throw new ApiError('invalid_parameter', { param: 'payment_data.capture', message: 'payment_data[capture] must be auto or manual' });
  }
  if (input.customer_id !== undefined && mode === 'payment') {
    throw new ApiError('invalid_parameter', { param: 'customer_id', message: 'customer_id is for sessions in customer or customer_payment mode' });
  }
  return { mode, currency, amount, types, seconds, paymentData };
}

/**
 * The methods the session offers: those asked for (each enabled and able to take the currency), or
 * every enabled one that can. A card present at the merchant's terminal (flow `terminal`) is never
 * paid on the hosted page.
 */
function offeredTypes(services: Services, actor: Actor, input: CreateSessionInput, mode: SessionMode, currency: Currency, amount: number | null): string[] {
  const enabled = enabledTypes(actor.merchant).filter((type) => methodFor(type)?.flow !== 'terminal');
  const rates = ratesOf(services);
  const takes = (type: string) => {
    const method = methodFor(type);
    return !!method && methodOffer(rates, method, currency, amount) !== null;
  };
  let types: string[];
  if (input.payment_types !== undefined && input.payment_types.length > 0) {
    types = [...new Set(input.payment_types)];
    for (const type of types) {
      if (!enabled.includes(type) || !methodFor(type)) {
        throw new ApiError('invalid_payment_type', { param: 'payment_types', provided: type, allowed: [...enabled] });
      }
      if (!takes(type)) {
        throw new ApiError('invalid_currency', { param: 'currency', message: `${type} does not accept ${currency}, and no exchange rate converts it` });
      }
    }
  } else {
    types = enabled.filter(takes);
  }
  if (mode !== 'payment') types = customerModeTypes(input, types);
  if (types.length === 0) throw new ApiError('invalid_parameter', { param: 'payment_types', message: `No enabled payment method accepts ${currency}` });
  return types;
}

/** Customer modes: by default only what can be stored on a customer (cards); paypay only when asked for. */
function customerModeTypes(input: CreateSessionInput, types: string[]): string[] {
  const kept = types.filter((type) => CUSTOMER_MODE_TYPES.includes(type) && (input.payment_types?.length || methodFor(type)?.store));
  if (input.payment_types?.some((type) => !CUSTOMER_MODE_TYPES.includes(type))) {
    throw new ApiError('invalid_payment_type', { param: 'payment_types', provided: input.payment_types.join(','), allowed: [...CUSTOMER_MODE_TYPES] });
  }
  return kept;
}

/**
 * Customer modes: the customer exists from now on (its id is in the response), and gets the
 * details once the session completes (`customer.updated`), as on KOMOJU.
 */
async function sessionCustomer(db: Db, services: Services, actor: Actor, input: CreateSessionInput, mode: SessionMode): Promise<string | null> {
  if (mode === 'payment') return null;
  if (input.customer_id === undefined) return (await createCustomer(db, services, actor, { email: input.email })).id;
  if (!(await customersRepo.findCustomer(db, actor.merchant.id, input.customer_id))) {
    throw new ApiError('invalid_parameter', { param: 'customer_id', message: 'No such customer' });
  }
  return input.customer_id;
}
