import type { Db } from '../store/db';
import * as merchantsRepo from '../store/merchants.repo';
import * as outboxRepo from '../store/outbox.repo';

/** What /metrics reads from the database at each scrape (http/metrics.ts). */

/** Whether any merchant takes real money: /metrics is then closed unless it has a token. */
export function hasLiveMerchant(db: Db): Promise<boolean> {
  return merchantsRepo.anyLiveMerchant(db);
}

/** Webhook deliveries still waiting, over every merchant: how many, and the earliest due time (system time). */
export function webhookBacklog(db: Db): Promise<{ pending: number; oldestDue: Date | null }> {
  return outboxRepo.pendingBacklog(db);
}
