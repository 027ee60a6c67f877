import { randomIds, type IdSource } from '../lib/ids';
import type { Payment } from '../model/payment';
import type { DisputePlan } from '../processors/processor';
import * as chargebacksRepo from '../store/chargebacks.repo';
import * as paymentsRepo from '../store/payments.repo';
import * as plannedChargebacksRepo from '../store/planned-chargebacks.repo';
import { openOn } from './chargebacks';
import type { Services } from './context';

const BATCH = 100;

/** Keeps a test card's dispute to come with its new payment (a declined payment keeps none). */
export async function planChargeback(trx: Services['db'], payment: Payment, plan: DisputePlan | undefined): Promise<void> {
  if (!plan || payment.status === 'failed') return;
  await plannedChargebacksRepo.insertPlannedChargeback(trx, {
    payment_id: payment.id,
    merchant_id: payment.merchant_id,
    reason_code: plan.reasonCode,
    delay_seconds: plan.delaySeconds,
    outcome: plan.outcome,
    opened_at: null,
  });
}

/**
 * Opens every test card's dispute that fell due (real time passing): one transaction per batch,
 * rows locked FOR UPDATE SKIP LOCKED, so each opens once however many processes sweep. Returns how
 * many were handled.
 */
export async function openDuePlannedChargebacks(services: Services): Promise<number> {
  let opened = 0;
  for (;;) {
    const locked = await services.db.transaction().execute(async (trx) => {
      const due = await plannedChargebacksRepo.lockDuePlannedChargebacks(trx, services.clock.now(), BATCH, { skipLocked: true });
      await openAll(trx, randomIds, due);
      return due.length;
    });
    opened += locked;
    if (locked < BATCH) return opened;
  }
}

/**
 * The same for one merchant whose test clock just moved, inside the caller's transaction, waiting
 * for rows another request holds rather than skipping them.
 */
export async function openMerchantPlannedChargebacks(trx: Services['db'], services: Services, ids: IdSource, merchantId: string): Promise<number> {
  let opened = 0;
  for (;;) {
    const due = await plannedChargebacksRepo.lockDuePlannedChargebacks(trx, services.clock.now(), BATCH, { merchantId, skipLocked: false });
    await openAll(trx, ids, due);
    opened += due.length;
    if (due.length < BATCH) return opened;
  }
}

/**
 * Each dispute opens at the time it fell due (the capture plus the card's delay, on the merchant's
 * clock), for what is captured and not refunded. A payment the test helper already disputed keeps
 * that chargeback: the plan is only marked done.
 */
async function openAll(trx: Services['db'], ids: IdSource, due: Awaited<ReturnType<typeof plannedChargebacksRepo.lockDuePlannedChargebacks>>) {
  for (const plan of due) {
    const at = new Date(plan.due_at);
    const payment = await paymentsRepo.lockPayment(trx, plan.merchant_id, plan.payment_id);
    const disputable = payment ? payment.total - payment.amount_refunded : 0;
    const taken = await chargebacksRepo.findChargebackOfPayment(trx, plan.payment_id);
    if (payment && !taken && disputable > 0) await openOn(trx, ids, payment, disputable, plan.reason_code, at);
    await plannedChargebacksRepo.markPlannedChargebackOpened(trx, plan.payment_id, at);
  }
}
