import { Type } from '@sinclair/typebox';
import { ApiError, invalid, type DeclineCode } from '../../kernel/errors';
import type { Authorization, AuthorizeContext } from '../method';

/**
 * What the prepaid card and voucher methods share: the request fields, the redemption through the
 * processor, and the `short_amount` / `prepaid_cards` bookkeeping of the multi-card flow. The
 * methods themselves (web_money.ts, bit_cash.ts, culture_voucher.ts …) declare their own names,
 * currencies, schema and scenarios and pick one of the two flows here:
 *
 * - **multi-card** (WebMoney, NET CASH, nanaco, Steam): each card pays what its balance covers; a
 *   short total leaves the payment `pending` (HTTP 202) until PATCH /payments/:id brings another
 *   `prepaid_number` (seeds/002, "Continuing a WebMoney Request").
 * - **all or nothing** (BitCash, vouchers, Dospara): the balance covers the total or the payment is
 *   declined `insufficient_funds` without spending anything (seeds/002: BitCash "does not support
 *   continuing requests"; the customer merges cards on the issuer's site instead).
 *
 * Secrets: prepaid numbers are sealed by the vault (secretDetails), never shown past their last
 * four characters; passwords are passed to the issuer once and never kept, like a card's CVV.
 */

/** 16 letters or digits, as the reference describes the number ("16-character"); test numbers start with `e`. */
const PREPAID_NUMBER = /^[0-9A-Za-z]{16}$/;

/** Schema pieces the method files put together. Length is checked in prepare, after spaces and dashes go. */
export const PrepaidNumber = Type.String({ minLength: 1, maxLength: 64 });
export const OptionalEmail = Type.Optional(Type.String({ format: 'email', maxLength: 255 }));
/** Voucher and account credentials (Culture Land, Happy Money, Dospara): kept as sent. */
export const Credential = Type.String({ minLength: 1, maxLength: 64 });

/** One card's part of a payment, as `payment_details.prepaid_cards[]` shows it. */
export interface PrepaidCardUse {
  last_four_digits: string;
  /** Yen taken from this card. */
  points: number;
}

/**
 * Normalises `payment_details.prepaid_number` (customers copy it with spaces or dashes) and checks
 * it is 16 characters; returns the details with the clean number.
 *
 *   preparePrepaidNumber({ type: 'web_money', prepaid_number: '1111-1111-1111-1111' })
 *   // → { type: 'web_money', prepaid_number: '1111111111111111' }
 */
export function preparePrepaidNumber(details: Record<string, unknown>): Record<string, unknown> {
  const number = String(details.prepaid_number).replace(/[\s-]/g, '');
  if (!PREPAID_NUMBER.test(number)) throw invalid('payment_details.prepaid_number', 'The prepaid number must be 16 letters or digits');
  return { ...details, prepaid_number: number };
}

/** The part of `payment_details` a multi-card payment shows: what is still missing and what each card paid. */
function cardDetails(type: string, email: unknown, short: number, cards: readonly PrepaidCardUse[]): Record<string, unknown> {
  return { type, email: email ?? null, short_amount: short, prepaid_cards: cards };
}

/** What is kept of one card, sealed: the number (for a refund to it) and the issuer's reference. */
function cardSecret(index: number, number: string, points: number, reference: string): Record<string, unknown> {
  // One key per card: the core merges a continuation's secrets into those already kept (shallow).
  return { [`prepaid_card_${index}`]: { number, points, reference } };
}

/**
 * Days a multi-card payment left `pending` waits for the next card when its method has no
 * deadline of its own (WebMoney, Steam): KOMOJU documents none; NET CASH's and nanaco's examples
 * give their payments exactly 7 days, which the others' pending payments get too.
 */
export const PENDING_WAIT_DAYS = 7;

/**
 * Multi-card flow, first card (the `authorize` hook): takes what the card covers of the total.
 * Covered → `captured`, `short_amount: 0`; short → `pending` with the rest in `short_amount`.
 * `deadline`: the method's payment_deadline (null when the seed shows none). A payment left
 * pending waits for the customer's next card PENDING_WAIT_DAYS at most, then expires.
 */
export async function redeemFirstCard(
  details: Record<string, unknown>,
  context: AuthorizeContext,
  deadline: Date | null,
): Promise<Authorization> {
  const type = details.type as string;
  const declined = cardDetails(type, details.email, context.total, []);
  return redeemCard(type, details, context.total, [], declined, context, deadline);
}

/**
 * Multi-card flow, next card (the `continue` hook, PATCH /payments/:id while `pending`): takes what
 * the card covers of `short_amount`. A refused card changes nothing (the core answers the decline
 * and the payment stays pending with its earlier cards).
 */
export async function redeemNextCard(
  details: Record<string, unknown>,
  previous: Record<string, unknown>,
  context: AuthorizeContext,
  ownDeadline?: null,
): Promise<Authorization> {
  const short = previous.short_amount;
  const cards = previous.prepaid_cards;
  if (typeof short !== 'number' || short <= 0 || !Array.isArray(cards)) {
    throw new ApiError('invalid_parameter', { param: 'payment_details', message: 'This payment has nothing left to pay' });
  }
  const type = details.type as string;
  const result = await redeemCard(type, { ...details, email: previous.email }, short, cards as PrepaidCardUse[], previous, context, undefined);
  // `ownDeadline` null: the method has no deadline of its own (WebMoney, Steam), so the payment's
  // only waited for this card (PENDING_WAIT_DAYS); captured, it shows none, as the seed does.
  if (ownDeadline === null && result.outcome === 'captured') return { ...result, deadline: null };
  return result;
}

async function redeemCard(
  type: string,
  details: Record<string, unknown>,
  due: number,
  earlier: readonly PrepaidCardUse[],
  onDecline: Record<string, unknown>,
  { processor, currency, now }: AuthorizeContext,
  deadline: Date | null | undefined,
): Promise<Authorization> {
  const number = details.prepaid_number as string;
  const result = await processor.redeemPrepaid({ type, number, password: null, amount: due, currency, partial: true });
  if (!result.approved) return decline(result.code, onDecline);
  // An empty card is a refusal, not a zero-point entry in prepaid_cards.
  if (result.redeemed <= 0) return decline('insufficient_funds', onDecline);
  const points = Math.min(result.redeemed, due);
  const cards = [...earlier, { last_four_digits: number.slice(-4), points }];
  const short = due - points;
  // A first card that leaves the payment pending: it waits for the customer, so it has a deadline.
  const waits = short > 0 && deadline === null ? daysAfter(now, PENDING_WAIT_DAYS) : deadline;
  return {
    outcome: short === 0 ? 'captured' : 'pending',
    publicDetails: cardDetails(type, details.email, short, cards),
    secretDetails: cardSecret(cards.length, number, points, result.reference),
    ...(waits !== undefined ? { deadline: waits } : {}),
  };
}

function decline(code: DeclineCode, publicDetails: Record<string, unknown>): Authorization {
  return { outcome: 'declined', declineCode: code, publicDetails };
}

export interface WholeRedemption {
  /** What the issuer is asked to spend from: the prepaid number, voucher id or account number. */
  number: string;
  password: string | null;
  /** payment_details as the API shows them, captured or declined. */
  publicDetails: Record<string, unknown>;
  /** What to keep sealed besides the issuer's reference (e.g. the prepaid number). */
  secretDetails?: Record<string, unknown>;
}

/**
 * All-or-nothing flow (the `authorize` hook of BitCash, vouchers, Dospara): the whole total from
 * one card or account, or a decline (`insufficient_funds` when the balance is short) that spends
 * nothing. The password goes to the issuer and nowhere else.
 */
export async function redeemWhole(
  type: string,
  { number, password, publicDetails, secretDetails = {} }: WholeRedemption,
  { processor, total, currency }: AuthorizeContext,
): Promise<Authorization> {
  const result = await processor.redeemPrepaid({ type, number, password, amount: total, currency, partial: false });
  if (!result.approved) return decline(result.code, publicDetails);
  // An issuer that took less than asked broke the all-or-nothing contract: refuse rather than under-collect.
  if (result.redeemed < total) return decline('insufficient_funds', publicDetails);
  return { outcome: 'captured', publicDetails, secretDetails: { ...secretDetails, reference: result.reference } };
}

/** payment_deadline of NET CASH and nanaco: exactly `days` after creation (seed: 07:42:12Z → +7 days 07:42:12Z). */
export function daysAfter(now: Date, days: number): Date {
  return new Date(now.getTime() + days * 86_400_000);
}
