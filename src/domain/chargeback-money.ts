import type { Db } from '../store/db';
import type { Chargeback } from '../model/chargeback';
import { recordBalanceTransaction } from './ledger';

/**
 * The money a chargeback moves, one function per movement, each called inside the transaction
 * that changes the chargeback's status (./chargebacks.ts), so a movement exists exactly when its
 * change committed. Each writes the merchant's ledger line (`chargeback`, `chargeback_reversal`:
 * the balance and the month's settlement show it, ./ledger.ts) and marks the chargeback
 * (`debited_at`, `credited_at`, written with the status), which keeps "at most one debit, a
 * credit only after it" checkable (the table's CHECK, and the tests). kessai charges no
 * chargeback fee (`chargeback_fee`): KOMOJU publishes none (docs/compatibility.md).
 *
 * - debit: the disputed amount leaves the merchant — accepted, defended (the issuer holds it
 *   while it reviews the defense), or expired unanswered;
 * - credit: it comes back — a defended dispute won.
 * A lost defense moves nothing more: the defense's debit stands.
 */
export interface ChargebackMovement {
  chargebackId: string;
  merchantId: string;
  paymentId: string;
  /** Minor units of `currency`, always positive; the direction is the function's. */
  amount: number;
  currency: string;
  /** When it happened, on the merchant's clock. */
  at: Date;
}

export function movementOf(chargeback: Chargeback, at: Date): ChargebackMovement {
  return {
    chargebackId: chargeback.id,
    merchantId: chargeback.merchant_id,
    paymentId: chargeback.payment_id,
    amount: chargeback.amount,
    currency: chargeback.currency,
    at,
  };
}

/** The disputed amount leaves the merchant's money. Returns the chargeback marked debited. */
export async function debitChargeback(trx: Db, chargeback: Chargeback, movement: ChargebackMovement): Promise<Chargeback> {
  if (chargeback.debited_at) throw new Error(`Chargeback ${chargeback.id} is already debited`);
  await recordBalanceTransaction(trx, ledgerLine(movement, 'chargeback'));
  return { ...chargeback, debited_at: movement.at };
}

/** The disputed amount comes back (a won defense). Returns the chargeback marked credited. */
export async function creditChargeback(trx: Db, chargeback: Chargeback, movement: ChargebackMovement): Promise<Chargeback> {
  if (!chargeback.debited_at || chargeback.credited_at) throw new Error(`Chargeback ${chargeback.id} has no debit to credit back`);
  await recordBalanceTransaction(trx, ledgerLine(movement, 'chargeback_reversal'));
  return { ...chargeback, credited_at: movement.at };
}

function ledgerLine(movement: ChargebackMovement, type: 'chargeback' | 'chargeback_reversal') {
  const { merchantId, currency, amount, chargebackId, paymentId, at } = movement;
  return { merchantId, currency, type, amount, sourceId: chargebackId, paymentId, happenedAt: at };
}
