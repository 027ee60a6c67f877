import { randomIds, type IdSource } from '../lib/ids';
import type { Db } from '../store/db';
import * as disbursementsRepo from '../store/disbursements.repo';
import * as ledgerRepo from '../store/ledger.repo';
import type { Services } from './context';
import { payDueDisbursements } from './disbursements';
import type { LedgerOwner } from './ledger-events';
import { merchantClock } from './seeding';
import { settleDue } from './settlements';

/**
 * The ledger's work that falls due with time: settlements at each month's cutoff (and paid at
 * their payout date), disbursements' bank transfers. Like the expiry sweep (domain/expiry.ts) it
 * runs on a timer in every process and at once when a merchant's test clock moves; each merchant's
 * work runs under its ledger lock, which a second process skips, so it is done exactly once.
 */

/** One merchant, inside the caller's transaction (advanceClock's), on its clock at `now`. */
export async function runMerchantLedger(trx: Db, owner: LedgerOwner, now: Date, ids: IdSource): Promise<number> {
  await ledgerRepo.lockLedger(trx, owner.merchantId);
  const paid = await payDueDisbursements(trx, owner.merchantId, now, ids);
  return paid + (await settleDue(trx, owner, now, ids));
}

/** Every merchant with ledger work; one transaction each. Returns how many settlements and transfers it made. */
export async function sweepLedger(services: Pick<Services, 'db' | 'clock' | 'publicUrl'>): Promise<number> {
  const { db, clock } = services;
  let done = 0;
  for (const merchant of await disbursementsRepo.merchantsWithLedgerWork(db)) {
    done += await db.transaction().execute(async (trx) => {
      if (!(await ledgerRepo.tryLockLedger(trx, merchant.id))) return 0;
      const now = merchantClock(clock, merchant).now();
      const owner = { merchantId: merchant.id, merchantName: merchant.name, publicUrl: services.publicUrl };
      // A sweep acts for no request: random ids, as the expiry sweep's.
      return (await payDueDisbursements(trx, merchant.id, now, randomIds)) + (await settleDue(trx, owner, now, randomIds));
    });
  }
  return done;
}
