import { newId } from '../lib/random';
import { METHODS } from '../methods';
import { parseScenario } from '../processors/scenario-processor';
import type { Db } from '../store/db';
import * as customersRepo from '../store/customers.repo';
import type { Actor, Services } from './context';
import { checkDetails } from './details';
import { ApiError } from '../kernel/errors';
import { recordCustomerEvent } from './events';
import { enabledTypes } from './merchants';
import { redeemToken } from './tokens';
import type { Customer } from '../model/customer';

export interface CustomerInput {
  /** A details hash, or a token (`tok_…`) holding one; used up by this request. */
  payment_details?: Record<string, unknown> | string;
  email?: string;
  metadata?: Record<string, string>;
}

/** What a customer keeps of new payment details. */
type Stored = Pick<Customer, 'payment_type' | 'source' | 'secret_details'>;

/**
 * Checks new details exactly as a payment would and seals what the method keeps of them (never
 * the CVV). A token is used up in the caller's transaction; only plain tokens count here, since a
 * secure token authenticates one payment.
 */
async function storeDetails(trx: Db, services: Services, actor: Actor, given: Record<string, unknown> | string, now: Date): Promise<Stored> {
  const details = typeof given === 'string' ? (await redeemToken(trx, services, actor, given, now, ['token'])).details : given;
  const { method, prepared } = checkDetails(actor, details, now);
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
  const stored: Stored =
    input.payment_details === undefined
      ? { payment_type: null, source: null, secret_details: null }
      : await storeDetails(trx, services, actor, input.payment_details, now);
  const customer: Customer = {
    id: newId(),
    merchant_id: actor.merchant.id,
    email: input.email ?? null,
    metadata: input.metadata ?? {},
    ...stored,
    created_at: now,
    updated_at: now,
    scenario,
  };
  await customersRepo.insertCustomer(trx, customer);
  await recordCustomerEvent(trx, 'customer.created', customer, now);
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
}

export async function listCustomers(db: Db, actor: Actor, query: ListCustomersQuery) {
  return customersRepo.listCustomers(db, { merchantId: actor.merchant.id, startTime: query.start_time, endTime: query.end_time }, query.page, query.per_page);
}

/** PATCH /customers/:id: new details (replacing the stored ones), email, metadata; `customer.updated`. */
export async function updateCustomer(trx: Db, services: Services, actor: Actor, id: string, input: CustomerInput): Promise<Customer> {
  const found = await customersRepo.lockCustomer(trx, actor.merchant.id, id);
  if (!found) throw new ApiError('not_found', { param: 'id' });
  const now = actor.clock.now(); // after the lock, so concurrent updates stamp in the order they apply
  const updated: Customer = { ...found, updated_at: now };
  if (input.email !== undefined) updated.email = input.email;
  if (input.metadata !== undefined) updated.metadata = input.metadata;
  if (input.payment_details !== undefined) Object.assign(updated, await storeDetails(trx, services, actor, input.payment_details, now));
  await customersRepo.updateCustomer(trx, updated);
  await recordCustomerEvent(trx, 'customer.updated', updated, now);
  return updated;
}

/** DELETE /customers/:id: the customer and its stored details are gone; `customer.deleted` shows it as it was. */
export async function deleteCustomer(trx: Db, actor: Actor, id: string): Promise<Customer> {
  const found = await customersRepo.lockCustomer(trx, actor.merchant.id, id);
  if (!found) throw new ApiError('not_found', { param: 'id' });
  const now = actor.clock.now();
  await customersRepo.deleteCustomer(trx, found.id);
  await recordCustomerEvent(trx, 'customer.deleted', found, now);
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
