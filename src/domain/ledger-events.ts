import { isoMillis } from '../lib/clock';
import type { IdSource } from '../lib/ids';
import type { Db } from '../store/db';
import * as eventsRepo from '../store/events.repo';
import type { Disbursement, Settlement } from '../model/ledger';

/**
 * The events of the merchant's money leaving kessai: settlements and disbursements. KOMOJU names
 * one, `settlement.created`; the others are kessai's, named as Stripe names its payouts' and
 * after our states (docs/webhooks.md). Each is appended in the transaction of the change it tells,
 * so its webhook deliveries (the outbox) exist exactly when the change committed.
 */

export type SettlementEventType = 'settlement.created' | 'settlement.paid';
export type DisbursementEventType = 'disbursement.created' | 'disbursement.paid' | 'disbursement.failed' | 'disbursement.cancelled';

/**
 * Whose settlements they are, as a settlement's event shows it: KOMOJU's Settlement carries the
 * merchant's name and the files' download links, which the event keeps as they were.
 */
export interface LedgerOwner {
  merchantId: string;
  merchantName: string;
  publicUrl: string;
}

/** The event's copy of a settlement: the row, dates as JSON prints them, with what its links need. */
export function settlementSnapshot(settlement: Settlement, owner: LedgerOwner): Record<string, unknown> {
  return {
    resource: 'settlement',
    ...settlement,
    cutoff_time: isoMillis(settlement.cutoff_time),
    payout_at: isoMillis(settlement.payout_at),
    created_at: isoMillis(settlement.created_at),
    merchant_name: owner.merchantName,
    public_url: owner.publicUrl,
  };
}

/** The event's copy of a disbursement, tagged for the serialiser. */
export function disbursementSnapshot(disbursement: Disbursement): Record<string, unknown> {
  return {
    resource: 'disbursement',
    ...disbursement,
    pay_at: isoMillis(disbursement.pay_at),
    created_at: isoMillis(disbursement.created_at),
    last_updated_at: isoMillis(disbursement.last_updated_at),
  };
}

/** Appends a settlement event, at `at` on the merchant's clock (the settlement's own time). */
export async function recordSettlementEvent(trx: Db, ids: IdSource, type: SettlementEventType, settlement: Settlement, owner: LedgerOwner, at: Date): Promise<void> {
  await eventsRepo.insertEvent(trx, {
    id: ids.id(),
    merchant_id: settlement.merchant_id,
    type,
    resource_id: settlement.id,
    data: JSON.stringify(settlementSnapshot(settlement, owner)),
    reason: null,
    created_at: at,
  });
}

/** Appends a disbursement event, at its `last_updated_at` (when the change happened on the merchant's clock). */
export async function recordDisbursementEvent(trx: Db, ids: IdSource, type: DisbursementEventType, disbursement: Disbursement): Promise<void> {
  await eventsRepo.insertEvent(trx, {
    id: ids.id(),
    merchant_id: disbursement.merchant_id,
    type,
    resource_id: disbursement.id,
    data: JSON.stringify(disbursementSnapshot(disbursement)),
    reason: disbursement.error ?? disbursement.cancel_reason,
    created_at: disbursement.last_updated_at,
  });
}
