import { Type, type Static } from '@sinclair/typebox';
import { ApiError } from '../kernel/errors';
import { methodFor } from '../methods';
import type { IdSource } from '../lib/ids';
import type { Chargeback } from '../model/chargeback';
import type { Merchant } from '../model/merchant';
import type { Payment } from '../model/payment';
import * as chargebacksRepo from '../store/chargebacks.repo';
import type { Db } from '../store/db';
import * as eventsRepo from '../store/events.repo';
import * as merchantsRepo from '../store/merchants.repo';
import * as paymentsRepo from '../store/payments.repo';
import * as plannedChargebacksRepo from '../store/planned-chargebacks.repo';
import { DefendDocument, documentView, readDocument, signatureHolds, urlClock, type DocumentView } from './chargeback-documents';
import { creditChargeback, debitChargeback, movementOf } from './chargeback-money';
import { CHARGEBACK_REASONS, DEFAULT_REASON_CODE, newChargeback } from './chargeback-open';
import { isRepeat, MONEY, nextChargebackStatus, STEP, type ChargebackAction, type ChargebackEventType } from './chargeback-state';
import type { Actor, Services } from './context';

/** A chargeback as the API shows it in full: the row and its defense's documents, with signed URLs. */
export interface ChargebackView {
  chargeback: Chargeback;
  documents: DocumentView[];
}

const Text = (maxLength: number) => Type.Optional(Type.String({ maxLength }));

/** KOMOJU's DefendChargebackRequestBody. */
export const DefendBody = Type.Object({
  description: Type.String({ minLength: 1, maxLength: 10_000 }),
  document: DefendDocument,
  product_name: Text(255),
  shipping_info: Type.Optional(
    Type.Object({
      company_name: Text(255),
      shipping_date: Type.Optional(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', maxLength: 10 })),
      tracking_number: Text(255),
      shipping_address: Text(1000),
    }),
  ),
  recipient_info: Type.Optional(Type.Object({ name: Text(255), phone: Text(50), email: Text(254) })),
});
export type DefendInput = Static<typeof DefendBody>;

/** What the test helper that opens a dispute takes. */
export const OpenBody = Type.Object({
  amount: Type.Optional(Type.Integer({ minimum: 1, maximum: 2147483647 })),
  reason_code: Type.Optional(Type.Unsafe<string>({ type: 'string', enum: Object.keys(CHARGEBACK_REASONS) })),
});
export type OpenInput = Static<typeof OpenBody>;

/**
 * Test helper: the card holder disputes a captured card payment — a `pending` chargeback for
 * `amount` (default: what is captured and not refunded) due on the merchant's clock, and
 * `chargeback.created`. A payment is disputed once; other payments are `not_chargebackable`.
 */
export async function openChargeback(trx: Db, services: Services, actor: Actor, paymentId: string, input: OpenInput): Promise<ChargebackView> {
  const payment = await paymentsRepo.lockPayment(trx, actor.merchant.id, paymentId);
  if (!payment) throw new ApiError('not_found', { param: 'id' });
  refuseUndisputable(payment);
  if (await chargebacksRepo.findChargebackOfPayment(trx, payment.id)) {
    throw new ApiError('not_chargebackable', { message: 'The payment already has a chargeback.' });
  }
  const disputable = payment.total - payment.amount_refunded;
  const amount = input.amount ?? disputable;
  if (amount > disputable) throw new ApiError('invalid_parameter', { param: 'amount', message: `At most ${disputable} can be disputed` });
  return openOn(trx, actor.ids, payment, amount, input.reason_code ?? DEFAULT_REASON_CODE, actor.clock.now());
}

/** Opens the dispute on a payment already checked: the `pending` chargeback and `chargeback.created`, at `now`. */
export async function openOn(trx: Db, ids: IdSource, payment: Payment, amount: number, reasonCode: string, now: Date): Promise<ChargebackView> {
  const chargeback = newChargeback(payment, amount, reasonCode, ids, now);
  await chargebacksRepo.insertChargeback(trx, chargeback);
  const view = { chargeback, documents: [] };
  await recordChargebackEvent(trx, ids, 'chargeback.created', view, now);
  return view;
}

/** Card holders dispute with their issuer: only the card flow's payments (the method's declaration) can be charged back. */
function refuseUndisputable(payment: Payment): void {
  if (methodFor(payment.payment_type)?.flow !== 'card') {
    throw new ApiError('not_chargebackable', { message: 'Only card payments can be charged back.' });
  }
  if (payment.status !== 'captured') throw new ApiError('not_chargebackable');
}

/** POST /chargeback_requests/:id/accept: the merchant agrees; the money is debited. A repeat changes nothing. */
export async function acceptChargeback(trx: Db, services: Services, actor: Actor, id: string): Promise<void> {
  const chargeback = await lockForResponse(trx, actor, id, 'accept');
  if (chargeback) await transition(trx, services, actor, chargeback, 'accept', actor.clock.now());
}

/**
 * POST /chargeback_requests/:id/defend: the defense and its document are stored, the money is
 * held while the issuer reviews it (a debit). One defense per chargeback: a repeat changes nothing.
 */
export async function defendChargeback(trx: Db, services: Services, actor: Actor, id: string, input: DefendInput): Promise<void> {
  const now = actor.clock.now();
  // Read (and refused) before anything is written.
  const found = await chargebacksRepo.findChargeback(trx, actor.merchant.id, id);
  if (!found) throw new ApiError('not_found', { param: 'id' });
  const document = readDocument(input.document, found.id, actor.merchant, actor.ids, now);
  const chargeback = await lockForResponse(trx, actor, id, 'defend');
  if (!chargeback) return;
  const shipping = input.shipping_info ?? {};
  const recipient = input.recipient_info ?? {};
  const defense = {
    product_name: input.product_name ?? null,
    reason: input.description,
    shipping_info: {
      company_name: shipping.company_name ?? null,
      shipping_date: shipping.shipping_date ?? null,
      tracking_number: shipping.tracking_number ?? null,
      shipping_address: shipping.shipping_address ?? null,
    },
    recipient_info: { name: recipient.name ?? null, phone: recipient.phone ?? null, email: recipient.email ?? null },
  };
  await chargebacksRepo.insertDocument(trx, document);
  const defended = await transition(trx, services, actor, { ...chargeback, defense }, 'defend', now);
  // A test card's dispute (migrations/0023) decides its defense at once: the issuer's answer follows it.
  const plan = await plannedChargebacksRepo.findPlannedChargeback(trx, chargeback.payment_id);
  if (plan?.outcome) await transition(trx, services, actor, defended.chargeback, plan.outcome === 'won' ? 'win' : 'lose', now);
}

/**
 * The chargeback, locked, when `action` is to change it; null when it is a repeat (204, nothing
 * changes). Refuses a dispute past its due date (the sweep expires it) or in another state.
 */
async function lockForResponse(trx: Db, actor: Actor, id: string, action: 'accept' | 'defend'): Promise<Chargeback | null> {
  const chargeback = await chargebacksRepo.lockChargeback(trx, actor.merchant.id, id);
  if (!chargeback) throw new ApiError('not_found', { param: 'id' });
  if (isRepeat(chargeback.status, action)) return null;
  if (chargeback.status !== 'pending') {
    throw new ApiError('unprocessable_entity', { message: `The chargeback is ${chargeback.status}; only a pending chargeback can be ${action}ed.` });
  }
  if (chargeback.due_date.getTime() <= actor.clock.now().getTime()) {
    throw new ApiError('unprocessable_entity', { message: 'The due date of the chargeback has passed.' });
  }
  return chargeback;
}

/** Test helper: the issuer decided on a defended chargeback — `won` (money credited back, status `cancelled`) or `lost`. */
export async function resolveChargeback(trx: Db, services: Services, actor: Actor, id: string, outcome: 'won' | 'lost'): Promise<ChargebackView> {
  const chargeback = await chargebacksRepo.lockChargeback(trx, actor.merchant.id, id);
  if (!chargeback) throw new ApiError('not_found', { param: 'id' });
  const action = outcome === 'won' ? 'win' : 'lose';
  if (!nextChargebackStatus(chargeback.status, action)) {
    throw new ApiError('unprocessable_entity', { message: `The chargeback is ${chargeback.status}; only a defended chargeback can be won or lost.` });
  }
  return transition(trx, services, actor, chargeback, action, actor.clock.now());
}

/**
 * One step of the table (./chargeback-state.ts) on a locked chargeback: the new status, its
 * timeline entry, the money it moves (./chargeback-money.ts), the row, and its event — all in the
 * caller's transaction.
 */
export async function transition(trx: Db, services: Services, actor: Stepper, locked: Chargeback, action: ChargebackAction, now: Date): Promise<ChargebackView> {
  const status = nextChargebackStatus(locked.status, action);
  if (!status) throw new Error(`Chargeback ${locked.id}: ${action} is not allowed from ${locked.status}`);
  let chargeback: Chargeback = {
    ...locked,
    status,
    timeline: [...locked.timeline, { type: STEP[action].timeline, occurred_at: now.toISOString() }],
    updated_at: now,
  };
  const money = MONEY[action];
  if (money === 'debit') chargeback = await debitChargeback(trx, chargeback, movementOf(chargeback, now));
  if (money === 'credit') chargeback = await creditChargeback(trx, chargeback, movementOf(chargeback, now));
  await chargebacksRepo.updateChargeback(trx, chargeback);
  const view = await viewOf(trx, services, chargeback, actor.merchant);
  await recordChargebackEvent(trx, actor.ids, STEP[action].event, view, now);
  return view;
}

/** GET /chargeback_requests/:id; another merchant's is 404. */
export async function getChargeback(db: Db, services: Services, actor: Actor, id: string): Promise<ChargebackView> {
  const chargeback = await chargebacksRepo.findChargeback(db, actor.merchant.id, id);
  if (!chargeback) throw new ApiError('not_found', { param: 'id' });
  return viewOf(db, services, chargeback, actor.merchant);
}

/** Who moves a chargeback: the ids its event draws, and its merchant's seed and clock (for the documents' URLs). */
export interface Stepper {
  ids: IdSource;
  merchant: Pick<Merchant, 'seed' | 'clock_offset_ms'>;
}

/** The chargeback with its documents' signed URLs, made on the merchant's urlClock (./chargeback-documents.ts). */
export async function viewOf(db: Db, services: Services, chargeback: Chargeback, merchant: Stepper['merchant']): Promise<ChargebackView> {
  const documents = chargeback.defense ? await chargebacksRepo.listDocuments(db, chargeback.id) : [];
  const urlNow = urlClock(services.clock, merchant).now();
  return { chargeback, documents: documents.map((d) => documentView(d, services.publicUrl, merchant.seed, urlNow)) };
}

/** GET /chargeback_requests: pending first, then the rest, newest first within each. */
export async function listChargebacks(db: Db, actor: Actor, filter: Omit<chargebacksRepo.ChargebackFilter, 'merchantId'>, page: number, perPage: number) {
  return chargebacksRepo.listChargebacks(db, { ...filter, merchantId: actor.merchant.id }, page, perPage);
}

/**
 * Appends a chargeback event in the caller's transaction (with its webhook deliveries): `data`
 * is the chargeback in full, tagged `resource: "chargeback"` for the serialiser.
 */
async function recordChargebackEvent(trx: Db, ids: IdSource, type: ChargebackEventType, view: ChargebackView, now: Date): Promise<void> {
  const { chargeback, documents } = view;
  await eventsRepo.insertEvent(trx, {
    id: ids.id(),
    merchant_id: chargeback.merchant_id,
    type,
    resource_id: chargeback.id,
    data: JSON.stringify({ resource: 'chargeback', ...chargeback, documents }),
    reason: null,
    created_at: now,
  });
}

/**
 * A defense document by its signed URL (./chargeback-documents.ts): the file when the signature
 * is the document's and has not expired, else 404 — the same for an unknown document, so a URL
 * tells nothing of what exists.
 */
export async function downloadDocument(
  services: Services,
  chargebackId: string,
  documentId: string,
  expires: string,
  signature: string,
): Promise<{ file_name: string; content_type: string; bytes: Buffer }> {
  const document = await chargebacksRepo.findDocument(services.db, chargebackId, documentId);
  if (!document) throw new ApiError('not_found');
  const seeded = await merchantsRepo.peekSeed(services.db, document.merchant_id);
  const merchant = { seed: seeded?.seed ?? null, clock_offset_ms: seeded?.clockOffsetMs ?? 0 };
  const expiresAt = /^\d{1,15}$/.test(expires) ? Number(expires) : NaN;
  if (!signatureHolds(document, expiresAt, signature, merchant.seed, urlClock(services.clock, merchant).now())) throw new ApiError('not_found');
  return { file_name: document.file_name, content_type: document.content_type, bytes: Buffer.from(document.content, 'base64') };
}
