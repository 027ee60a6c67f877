import { METHODS } from '../methods';
import { parseScenario } from '../processors/scenario-processor';
import type { Db } from '../store/db';
import * as customersRepo from '../store/customers.repo';
import type { Actor, Services } from './context';
import { checkDetails } from './details';
import { ApiError } from '../kernel/errors';
import { recordCustomerEvent } from './events';
import { cancelCustomerSubscriptions } from './subscription-records';
import { enabledTypes } from './merchants';
import { readToken, useToken, type UnusedToken } from './tokens';
import type { PaymentMethod } from '../methods/method';
import type { Customer } from '../model/customer';
import type { IdSource } from '../lib/ids';

export interface CustomerInput {
  /** A details hash, or a token (`tok_…`) holding one; used up by this request. */
  payment_details?: Record<string, unknown> | string;
  email?: string;
  metadata?: Record<string, string>;
}

/** What a customer keeps of new payment details. */
export type StoredDetails = Pick<Customer, 'payment_type' | 'source' | 'secret_details'>;

/**
 * Checks new details exactly as a payment would and seals what the method keeps of them (never
 * the CVV). A token is read here and used up (useToken) only once every check has passed; only
 * plain tokens count, since a secure token authenticates one payment.
 */
async function readDetailsToStore(
  db: Db,
  services: Services,
  actor: Actor,
  given: Record<string, unknown> | string,
  now: Date,
): Promise<{ stored: StoredDetails; token?: UnusedToken }> {
  const token = typeof given === 'string' ? await readToken(db, services, actor, given, now, ['token']) : undefined;
  const details = token ? token.details : (given as Record<string, unknown>);
  const { method, prepared } = checkDetails(actor, details, now);
  return { stored: detailsToStore(services, actor, method, details, prepared), token };
}

/**
 * What a customer keeps of details already checked against their method (`prepared` is what its
 * prepare hook made of them): invalid_payment_type when the method cannot be stored.
 */
export function detailsToStore(services: Services, actor: Actor, method: PaymentMethod, details: Record<string, unknown>, prepared: Record<string, unknown>): StoredDetails {
  if (!method.store) {
    const allowed = METHODS.filter((m) => m.store && enabledTypes(actor.merchant).includes(m.type)).map((m) => m.type);
    throw new ApiError('invalid_payment_type', { param: 'payment_details.type', provided: method.type, allowed });
  }
  const { kept, source } = method.store(details, prepared);
  return { payment_type: method.type, source, secret_details: services.vault.seal(kept) };
}

/**
 * POST /customers: a customer with (or without) stored payment details, and `customer.created`.
 * `scenario` (`Komoju-Scenario`, test mode): the decline code every payment with it fails with.
 */
export async function createCustomer(
  trx: Db,
  services: Services,
  actor: Actor,
  input: CustomerInput,
  options: { scenario?: string } = {},
): Promise<Customer> {
  const now = actor.clock.now();
  const scenario = options.scenario === undefined ? null : parseScenario(options.scenario);
  const given = input.payment_details === undefined ? undefined : await readDetailsToStore(trx, services, actor, input.payment_details, now);
  // Every check has passed: the first write.
  if (given?.token) await useToken(trx, actor, given.token, now);
  const stored: StoredDetails = given?.stored ?? { payment_type: null, source: null, secret_details: null };
  const customer: Customer = {
    id: actor.ids.id(),
    merchant_id: actor.merchant.id,
    email: input.email ?? null,
    metadata: input.metadata ?? {},
    ...stored,
    created_at: now,
    updated_at: now,
    scenario,
  };
  await customersRepo.insertCustomer(trx, customer);
  await recordCustomerEvent(trx, actor.ids, 'customer.created', customer, now);
  return customer;
}

export async function getCustomer(db: Db, actor: Actor, id: string): Promise<Customer> {
  const customer = await customersRepo.findCustomer(db, actor.merchant.id, id);
  if (!customer) throw new ApiError('not_found', { param: 'id' });
  return customer;
}

export interface ListCustomersQuery {
  page: number;
  per_page: number;
  start_time?: Date;
  end_time?: Date;
  /** `MMYY`: only customers whose stored card expires that month (SDK listCustomers). */
  expiration?: string;
}

export async function listCustomers(db: Db, actor: Actor, query: ListCustomersQuery) {
  const filter = { merchantId: actor.merchant.id, startTime: query.start_time, endTime: query.end_time, expiration: parseExpiration(query.expiration) };
  return customersRepo.listCustomers(db, filter, query.page, query.per_page);
}

/**
 * `MMYY` → month and four-digit year (this century, as KOMOJU reads two-digit card years);
 * anything else is invalid_parameter `expiration`.
 *
 *   parseExpiration('0329'); // { month: 3, year: 2029 }
 */
export function parseExpiration(value: string | undefined): { month: number; year: number } | undefined {
  if (value === undefined) return undefined;
  const match = /^(0[1-9]|1[0-2])(\d{2})$/.exec(value);
  if (!match) throw new ApiError('invalid_parameter', { param: 'expiration', message: 'expiration must be MMYY, e.g. 0329' });
  return { month: Number(match[1]), year: 2000 + Number(match[2]) };
}

/** PATCH /customers/:id: new details (replacing the stored ones), email, metadata; `customer.updated`. */
export async function updateCustomer(trx: Db, services: Services, actor: Actor, id: string, input: CustomerInput): Promise<Customer> {
  const found = await lockCustomerOf(trx, actor, id);
  const now = actor.clock.now(); // after the lock, so concurrent updates stamp in the order they apply
  const given = input.payment_details === undefined ? undefined : await readDetailsToStore(trx, services, actor, input.payment_details, now);
  if (given?.token) await useToken(trx, actor, given.token, now);
  const updated: Customer = { ...found, ...given?.stored, updated_at: now };
  if (input.email !== undefined) updated.email = input.email;
  if (input.metadata !== undefined) updated.metadata = input.metadata;
  return saveCustomer(trx, actor.ids, updated);
}

/** This merchant's customer, locked until the transaction ends; not_found when there is none. */
export async function lockCustomerOf(trx: Db, actor: Actor, id: string): Promise<Customer> {
  const found = await customersRepo.lockCustomer(trx, actor.merchant.id, id);
  if (!found) throw new ApiError('not_found', { param: 'id' });
  return found;
}

/** A customer (locked by the caller) with details checked already: saved, with `customer.updated`. */
export async function saveCustomer(trx: Db, ids: IdSource, updated: Customer): Promise<Customer> {
  await customersRepo.updateCustomer(trx, updated);
  await recordCustomerEvent(trx, ids, 'customer.updated', updated, updated.updated_at);
  return updated;
}

/**
 * DELETE /customers/:id: the customer and its stored details are gone, its subscriptions
 * cancelled; `customer.deleted` shows it as it was.
 */
export async function deleteCustomer(trx: Db, actor: Actor, id: string): Promise<Customer> {
  const found = await customersRepo.lockCustomer(trx, actor.merchant.id, id);
  if (!found) throw new ApiError('not_found', { param: 'id' });
  const now = actor.clock.now();
  // Nothing is left to charge: its subscriptions end first (subscription.deleted), as Stripe's do.
  await cancelCustomerSubscriptions(trx, actor.ids, actor.merchant.id, found, now);
  await customersRepo.deleteCustomer(trx, found.id);
  await recordCustomerEvent(trx, actor.ids, 'customer.deleted', found, now);
  return found;
}

/**
 * The stored details of this merchant's customer, to be charged (payments, secure tokens). An
 * unknown customer, or one without details, is an invalid `customer` parameter.
 */
export async function customerDetails(db: Db, services: Services, actor: Actor, id: string): Promise<Record<string, unknown>> {
  const customer = await customersRepo.findCustomer(db, actor.merchant.id, id);
  if (!customer) throw new ApiError('invalid_parameter', { param: 'customer', message: 'No such customer' });
  if (!customer.secret_details) throw new ApiError('invalid_parameter', { param: 'customer', message: 'The customer has no stored payment details' });
  return services.vault.open(customer.secret_details);
}

/** The `Komoju-Scenario` this merchant's customer was created with (its payments fail with it), if any. */
export async function customerScenario(db: Db, actor: Actor, id: string): Promise<string | undefined> {
  return (await customersRepo.findCustomer(db, actor.merchant.id, id))?.scenario ?? undefined;
}
