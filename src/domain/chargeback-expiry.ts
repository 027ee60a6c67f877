import { randomIds, type IdSource } from '../lib/ids';
import * as chargebacksRepo from '../store/chargebacks.repo';
import { transition } from './chargebacks';
import type { Services } from './context';

const BATCH = 100;

/**
 * Expires every pending chargeback whose due date has passed on its merchant's clock: `expired`,
 * the disputed amount debited, `chargeback.expired` — one transaction per batch, as
 * expiry.ts does payments. Runs on a timer in every worker process: rows are locked FOR UPDATE
 * SKIP LOCKED and only a row still `pending` when locked moves, so each dispute expires exactly
 * once however many processes sweep. `merchantId` limits it to one merchant. Returns how many
 * expired.
 */
export async function expireDueChargebacks(services: Services, merchantId?: string): Promise<number> {
  let expired = 0;
  for (;;) {
    const { locked, count } = await services.db.transaction().execute(async (trx) => {
      const due = await chargebacksRepo.lockDueChargebacks(trx, services.clock.now(), BATCH, { merchantId, skipLocked: true });
      return { locked: due.length, count: await expire(trx, services, randomIds, due) };
    });
    expired += count;
    if (locked < BATCH) return expired;
  }
}

/**
 * The same for one merchant whose test clock just moved, inside the caller's transaction (which
 * holds the merchant's row), waiting for rows another request holds rather than skipping them.
 */
export async function expireMerchantChargebacks(trx: Services['db'], services: Services, ids: IdSource, merchantId: string): Promise<number> {
  let expired = 0;
  for (;;) {
    const due = await chargebacksRepo.lockDueChargebacks(trx, services.clock.now(), BATCH, { merchantId, skipLocked: false });
    expired += await expire(trx, services, ids, due);
    if (due.length < BATCH) return expired;
  }
}

async function expire(
  trx: Services['db'],
  services: Services,
  ids: IdSource,
  due: Awaited<ReturnType<typeof chargebacksRepo.lockDueChargebacks>>,
): Promise<number> {
  for (const { clock_offset_ms, seed, ...chargeback } of due) {
    // Due on the merchant's clock (the query), it expired at its due date, however late the sweep
    // comes: its timeline, event and ledger line are dated then, in the period it belongs to.
    await transition(trx, services, { ids, merchant: { seed, clock_offset_ms } }, chargeback, 'expire', chargeback.due_date);
  }
  return due.length;
}
