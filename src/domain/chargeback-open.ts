import type { IdSource } from '../lib/ids';
import type { Chargeback } from '../model/chargeback';
import type { Payment } from '../model/payment';

/**
 * The reason codes a test dispute can carry: KOMOJU's internal codes (the SDK names `CB_Fraud`;
 * the others follow its pattern for the card networks' four dispute families) and their
 * human-readable reasons.
 */
export const CHARGEBACK_REASONS: Readonly<Record<string, string>> = {
  CB_Fraud: 'Fraudulent transaction',
  CB_ProductNotReceived: 'Product or service not received',
  CB_ProductNotAsDescribed: 'Product not as described',
  CB_Duplicate: 'Duplicate processing',
  CB_Cancelled: 'Cancelled recurring transaction',
  CB_Other: 'Other',
};

export const DEFAULT_REASON_CODE = 'CB_Fraud';

/** Days the merchant has to accept or defend, on its clock (KOMOJU names none; card networks' windows are 7–30). */
export const RESPONSE_DAYS = 14;

/** A new `pending` chargeback on `payment`, with its view of the payment and customer as they are now. */
export function newChargeback(payment: Payment, amount: number, reasonCode: string, ids: IdSource, now: Date): Chargeback {
  const details = payment.payment_details;
  const brand = typeof details.brand === 'string' ? details.brand : null;
  const lastFour = typeof details.last_four_digits === 'string' ? details.last_four_digits : null;
  const detailsEmail = typeof details.email === 'string' ? details.email : null;
  return {
    id: ids.id(),
    merchant_id: payment.merchant_id,
    payment_id: payment.id,
    amount,
    currency: payment.currency,
    status: 'pending',
    reason_code: reasonCode,
    reason: CHARGEBACK_REASONS[reasonCode],
    // Whole seconds, as the API shows it: a filter `due_date_end=<the due_date shown>` includes it.
    due_date: new Date(Math.floor(now.getTime() / 1000) * 1000 + RESPONSE_DAYS * 86_400_000),
    timeline: [{ type: 'created', occurred_at: now.toISOString() }],
    payment: {
      id: payment.id,
      amount: payment.total,
      currency: payment.currency,
      created_at: new Date(payment.created_at).toISOString(),
      captured_at: payment.captured_at && new Date(payment.captured_at).toISOString(),
      payment_method: { type: payment.payment_type, brand, last_four_digits: lastFour },
      masked_card_number: lastFour && `**** **** **** ${lastFour}`,
    },
    customer: { name: typeof details.name === 'string' ? details.name : null, email: payment.email ?? detailsEmail },
    defense: null,
    debited_at: null,
    credited_at: null,
    created_at: now,
    updated_at: now,
  };
}
