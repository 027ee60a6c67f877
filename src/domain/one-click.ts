import { ONE_CLICK_TYPES } from '../methods';
import { cardExpired } from '../methods/credit_card';
import type { PaymentMethod } from '../methods/method';
import type { Db } from '../store/db';
import * as externalRepo from '../store/external-customers.repo';
import type { Actor, Services } from './context';
import { ApiError } from '../kernel/errors';
import type { ExternalCustomer } from '../model/customer';

/**
 * One-click payment (spec §6.7). A session created with `external_customer_id` lets the customer
 * save the card they pay with; the next session of this merchant with the same id offers it
 * (brand, last four) and pays with it in one click. Saved cards are scoped by merchant and id,
 * sealed by the vault like customers' cards (no CVV), and erased by the customer's "Remove" on the
 * page or by `DELETE /api/v1/external_customers/:id`.
 */

/** What a page may show of a saved card. */
export interface SavedCard {
  brand: string | null;
  last_four_digits: string | null;
  month: number | null;
  year: number | null;
  /** Past its expiry at `now` (the merchant's clock): shown, but no longer offered to pay with. */
  expired: boolean;
}

export function savedCardOf(record: ExternalCustomer, now: Date): SavedCard {
  const source = record.source as Record<string, unknown>;
  const month = typeof source.month === 'number' ? source.month : null;
  const year = typeof source.year === 'number' ? source.year : null;
  return {
    brand: typeof source.brand === 'string' ? source.brand : null,
    last_four_digits: typeof source.last_four_digits === 'string' ? source.last_four_digits : null,
    month,
    year,
    expired: month !== null && year !== null && cardExpired(month, year, now),
  };
}

export async function findSavedCard(db: Db, merchantId: string, externalCustomerId: string | null): Promise<ExternalCustomer | null> {
  if (!externalCustomerId) return null;
  return (await externalRepo.findByExternalId(db, merchantId, externalCustomerId)) ?? null;
}

/** A card checked and sealed for one-click, not saved yet (see saveCard). */
export type CardToSave = Pick<ExternalCustomer, 'payment_type' | 'source' | 'secret_details'>;

/**
 * What one-click keeps of details already checked against their method (`prepared` is what its
 * prepare hook made of them), never the CVV. Only methods that can be stored and paid in one
 * click (cards) qualify: invalid_payment_type otherwise.
 */
export function cardToSave(services: Services, method: PaymentMethod, details: Record<string, unknown>, prepared: Record<string, unknown>): CardToSave {
  if (!method.store || !method.oneClick) {
    throw new ApiError('invalid_payment_type', { param: 'payment_details.type', provided: method.type, allowed: ONE_CLICK_TYPES });
  }
  const { kept, source } = method.store(details, prepared);
  return { payment_type: method.type, source, secret_details: services.vault.seal(kept) };
}

/** Saves a checked card for `externalCustomerId`, replacing any card saved before. */
export async function saveCard(trx: Db, actor: Actor, externalCustomerId: string, card: CardToSave): Promise<ExternalCustomer> {
  const now = actor.clock.now();
  return externalRepo.upsert(trx, { id: actor.ids.id(), merchant_id: actor.merchant.id, external_customer_id: externalCustomerId, ...card, created_at: now, updated_at: now });
}

/**
 * The saved card's details, to be charged. invalid_parameter on `payment_details.external_customer_id`
 * when there is none, or when it expired at `now` (the merchant's clock): the code a typed expired
 * card gets, but naming the parameter the request sent rather than a month it did not.
 */
export async function savedCardDetails(
  db: Db,
  services: Services,
  merchantId: string,
  externalCustomerId: string,
  now: Date,
): Promise<Record<string, unknown>> {
  const saved = await externalRepo.findByExternalId(db, merchantId, externalCustomerId);
  const param = 'payment_details.external_customer_id';
  if (!saved) throw new ApiError('invalid_parameter', { param, message: 'No card is saved for this customer' });
  if (savedCardOf(saved, now).expired) throw new ApiError('invalid_parameter', { param, message: 'The saved card has expired' });
  return services.vault.open(saved.secret_details);
}

/**
 * DELETE /external_customers/:id: erases the saved card of the merchant's external customer id
 * (or of our own id for it). Answers `{id}`, our id of what was erased; 404 when nothing was saved.
 */
export async function deleteExternalCustomer(trx: Db, actor: Actor, id: string): Promise<{ id: string }> {
  const removed =
    (await externalRepo.removeByExternalId(trx, actor.merchant.id, id)) ?? (await externalRepo.removeById(trx, actor.merchant.id, id));
  if (!removed) throw new ApiError('not_found', { param: 'id' });
  return { id: removed.id };
}

/** The customer's "Remove" on the hosted page: erases the card saved for the session's id, if any. */
export async function removeSavedCard(trx: Db, merchantId: string, externalCustomerId: string): Promise<boolean> {
  return (await externalRepo.removeByExternalId(trx, merchantId, externalCustomerId)) !== undefined;
}
