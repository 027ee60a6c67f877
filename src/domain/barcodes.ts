import type { Db } from '../store/db';
import * as barcodesRepo from '../store/barcodes.repo';
import * as paymentsRepo from '../store/payments.repo';
import { ApiError } from '../kernel/errors';
import { BARCODE_TYPES } from '../methods';
import type { Barcode, ShownBarcode } from '../model/barcode';
import type { Payment } from '../model/payment';
import { runCommand } from './commands';
import type { Actor } from './context';
import { isAwaitingPayment } from './payment-state';

/**
 * Konbini barcodes (GET /barcodes/:payment_id; KOMOJU's BarcodesApi "Barcode: Show"). A konbini
 * payment whose store takes barcodes carries `payment_details.barcode_url` (methods/konbini.ts).
 *
 * - The first request for a payment's barcode starts its generation and answers `pending` with
 *   `retry_after` (KOMOJU: "Newly created payments may not have a barcode available
 *   immediately"); every later one answers `ready`. Pending is tied to that first request, not to
 *   time, so it behaves the same for seeded merchants, whose clock stands still.
 * - A barcode is good for 10 minutes ("by default this is 10 minutes"), never past the payment's
 *   deadline. Requests meanwhile answer the same barcode; the first after it expired issues a new
 *   one (the next serial), as KOMOJU does.
 * - Only while the payment awaits payment (`authorized`, deadline not passed).
 * docs/compatibility.md, "Barcodes and finalize", lists these choices.
 */

/** Seconds a client is told to wait while the first barcode is generated. */
export const BARCODE_RETRY_AFTER_SECONDS = 1;
/** How long one barcode can be used to pay. */
export const BARCODE_VALID_MS = 10 * 60 * 1000;

/**
 * The barcode of the merchant's payment `paymentId` as GET /barcodes/:payment_id answers it.
 * 404 for no such payment (or another merchant's), 422 for a payment with no barcode.
 *
 *   const shown = await showBarcode(db, actor, 'lfmq9h7njw2rxrzeyb9ou1yay');
 *   if (shown.status === 'ready') render(shown.number);
 */
export async function showBarcode(db: Db, actor: Actor, paymentId: string): Promise<ShownBarcode> {
  return runCommand(db, actor, null, async (trx) => {
    const payment = await paymentsRepo.findPayment(trx, actor.merchant.id, paymentId);
    if (!payment) throw new ApiError('not_found', { param: 'payment_id' });
    const now = actor.clock.now();
    refuseWithoutBarcode(payment, now);
    if (await barcodesRepo.insertPendingBarcode(trx, { payment_id: payment.id, merchant_id: payment.merchant_id, created_at: now })) {
      return { status: 'pending', retry_after: BARCODE_RETRY_AFTER_SECONDS };
    }
    return readyBarcode(await currentBarcode(trx, payment, now));
  });
}

/**
 * The barcode the instructions page shows its customer: like showBarcode, but never pending (the
 * page is KOMOJU's own, which waits for its barcode), and null when the payment has none to show.
 * `actor` is the payment's merchant.
 */
export async function customerBarcode(db: Db, actor: Actor, payment: Payment): Promise<{ number: string; expires_at: Date } | null> {
  const now = actor.clock.now();
  try {
    refuseWithoutBarcode(payment, now);
  } catch (error) {
    if (error instanceof ApiError) return null;
    throw error;
  }
  return runCommand(db, actor, null, async (trx) => {
    await barcodesRepo.insertPendingBarcode(trx, { payment_id: payment.id, merchant_id: payment.merchant_id, created_at: now });
    return readyBarcode(await currentBarcode(trx, payment, now));
  });
}

function readyBarcode(barcode: Barcode): ShownBarcode & { status: 'ready' } {
  return { status: 'ready', number: barcode.number as string, expires_at: barcode.expires_at as Date };
}

/** The payment's barcode row, locked, with a barcode good at `now`: the one it has, or a new one. */
async function currentBarcode(trx: Db, payment: Payment, now: Date): Promise<Barcode> {
  const row = await barcodesRepo.lockBarcode(trx, payment.id);
  if (!row) throw new ApiError('not_found', { param: 'payment_id' });
  if (row.number !== null && row.expires_at !== null && row.expires_at.getTime() > now.getTime()) return row;
  const serial = row.serial + 1;
  const deadline = payment.payment_deadline?.getTime() ?? Number.POSITIVE_INFINITY;
  return barcodesRepo.issueBarcode(trx, payment.id, {
    serial,
    number: barcodeNumber(payment, serial),
    issued_at: now,
    expires_at: new Date(Math.min(now.getTime() + BARCODE_VALID_MS, deadline)),
  });
}

/** 422 unless `payment` is of a method with barcodes (konbini), has one, and awaits payment at `now`. */
function refuseWithoutBarcode(payment: Payment, now: Date): void {
  if (!BARCODE_TYPES.includes(payment.payment_type)) {
    throw new ApiError('invalid_payment_type', { param: 'payment_id', provided: payment.payment_type, allowed: BARCODE_TYPES });
  }
  if (typeof payment.payment_details.barcode_url !== 'string') {
    throw new ApiError('unprocessable_entity', {
      param: 'payment_id',
      message: `This payment has no barcode: at ${String(payment.payment_details.store)} the customer pays with the receipt number.`,
    });
  }
  const pastDeadline = payment.payment_deadline !== null && payment.payment_deadline.getTime() <= now.getTime();
  if (!isAwaitingPayment(payment.status) || pastDeadline) {
    const status = pastDeadline && isAwaitingPayment(payment.status) ? 'expired' : payment.status;
    throw new ApiError('unprocessable_entity', {
      param: 'payment_id',
      message: `The payment is ${status}: a barcode is shown only while the payment awaits payment.`,
    });
  }
}

const JST_OFFSET_MS = 9 * 3600 * 1000;

/**
 * The 44 digits a payment's barcode encodes, laid out as Japan's convenience-store collection
 * barcode (GS1-128, application identifier 91):
 *
 *   91 | 999999 collector | 21 digits: the receipt number, zero-padded | reissue digit (serial
 *   mod 10) | deadline YYMMDD (Tokyo) | stamp flag (1 from ¥50,000, when a receipt needs a
 *   revenue stamp) | total, 6 digits | check digit (GS1 modulo 10 of the 43 before it)
 *
 *   barcodeNumber(lawsonPayment, 1); // '91999999000000000090865708838126121200011000' + check digit
 */
export function barcodeNumber(payment: Pick<Payment, 'payment_details' | 'payment_deadline' | 'total'>, serial: number): string {
  const receipt = String(payment.payment_details.receipt ?? '').replace(/\D/g, '');
  const deadline = payment.payment_deadline ? new Date(payment.payment_deadline.getTime() + JST_OFFSET_MS).toISOString() : '9999-12-31';
  const yymmdd = `${deadline.slice(2, 4)}${deadline.slice(5, 7)}${deadline.slice(8, 10)}`;
  const body = [
    '91',
    '999999',
    receipt.slice(-21).padStart(21, '0'),
    String(serial % 10),
    yymmdd,
    payment.total >= 50_000 ? '1' : '0',
    String(Math.min(payment.total, 999_999)).padStart(6, '0'),
  ].join('');
  return body + gs1CheckDigit(body);
}

/** GS1's modulo-10 check digit: weights 3 and 1 alternating from the rightmost digit. */
export function gs1CheckDigit(digits: string): string {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) sum += (digits.charCodeAt(digits.length - 1 - i) - 48) * (i % 2 === 0 ? 3 : 1);
  return String((10 - (sum % 10)) % 10);
}
