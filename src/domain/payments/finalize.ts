import { ApiError } from '../../kernel/errors';
import { TERMINAL_FLOW_TYPES } from '../../methods';
import type { Payment } from '../../model/payment';
import type { Db } from '../../store/db';
import * as finalizationsRepo from '../../store/finalizations.repo';
import type { Actor } from '../context';
import { applyAction } from '../payment-lifecycle';
import { isAwaitingPayment, type PaymentAction } from '../payment-state';

/**
 * POST /payments/:id/finalize (KOMOJU's "Payment: Finalize"): "Finalizes an EMV contact
 * transaction by confirming the chip card's final decision (TC for approved, AAC for declined) …
 * after authorization … whether the payment is captured or cancelled." So, for an `authorized`
 * card-present payment (flow `terminal`, methods/credit_card_terminal.ts):
 *
 * - `tc` (the chip approved): captured (`payment.captured`); with `capture: false` it stays
 *   authorized, for a later POST /payments/:id/capture.
 * - `aac` (the chip declined after the issuer approved) and `fault` (the terminal could not finish,
 *   e.g. the card was pulled out): cancelled (`payment.cancelled`), the authorization reversed.
 *   A decline is a state, not an error: the answer is the cancelled payment (200).
 *
 * `field55` and `track2` (the terminal's final EMV data and track 2) are required by the model and
 * checked, but never kept: both may carry the card number. `metadata` replaces the payment's, as
 * PATCH does. docs/compatibility.md, "Barcodes and finalize", lists the choices.
 */
export interface FinalizeInput {
  ac_type: 'tc' | 'aac' | 'fault';
  field55: string;
  track2: string;
  capture?: boolean;
  metadata?: Record<string, string>;
}

/** What finalize asks of the state table: capture, cancel, or (tc with capture false) nothing but the metadata. */
function actionOf(input: FinalizeInput): PaymentAction {
  if (input.ac_type !== 'tc') return 'cancel';
  return input.capture === false ? 'update' : 'capture';
}

export async function finalizePayment(trx: Db, actor: Actor, id: string, input: FinalizeInput): Promise<Payment> {
  const action = actionOf(input);
  const finalized = await applyAction(trx, actor, id, {
    action,
    refuse: (payment) => {
      if (!TERMINAL_FLOW_TYPES.includes(payment.payment_type)) {
        throw new ApiError('invalid_payment_type', { param: 'id', provided: payment.payment_type, allowed: TERMINAL_FLOW_TYPES });
      }
      if (!isAwaitingPayment(payment.status)) {
        throw new ApiError('unprocessable_entity', {
          param: 'id',
          message: `The payment is ${payment.status}: only an authorized terminal payment can be finalized.`,
        });
      }
    },
    change: (_payment, now) => {
      const metadata = input.metadata !== undefined ? { metadata: JSON.stringify(input.metadata) } : {};
      if (action === 'capture') return { set: { ...metadata, captured_at: now } };
      if (action === 'cancel') return { set: metadata };
      return Object.keys(metadata).length > 0 ? { set: metadata } : null;
    },
  });
  // Only now may a `tc` left authorized (capture: false) be captured (./lifecycle.ts capturePayment).
  await finalizationsRepo.recordFinalization(trx, finalized.id, input.ac_type, actor.clock.now());
  return finalized;
}
