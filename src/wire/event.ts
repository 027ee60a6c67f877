import type { ApiVersion } from './api-version';
import { serializeChargebackDetail } from './chargeback';
import { serializeCustomer } from './customer';
import { serializeDisbursement, serializeSettlementShow } from './ledger';
import { serializePayment } from './payment';
import { serializeSubscription } from './subscription';
import { timestamp } from './time';
import type { Chargeback } from '../model/chargeback';
import type { Customer } from '../model/customer';
import type { Event } from '../model/event';
import type { Disbursement, Settlement } from '../model/ledger';
import type { Payment } from '../model/payment';
import type { Subscription } from '../model/subscription';

/** Event → KOMOJU JSON; `data` is the resource as it was when the event happened. */
export function serializeEvent(event: Event, version: ApiVersion): Record<string, unknown> {
  return {
    id: event.id,
    type: event.type,
    resource: 'event',
    data: serializeEventData(event.data, version),
    created_at: timestamp(event.created_at),
    reason: event.reason,
  };
}

function serializeEventData(data: Record<string, unknown>, version: ApiVersion): Record<string, unknown> {
  if (data.resource === 'payment') return serializePayment(data as unknown as Payment, version);
  if (data.resource === 'customer') return serializeCustomer(data as unknown as Customer);
  if (data.resource === 'chargeback') {
    const { documents, ...chargeback } = data as unknown as Chargeback & { documents: Parameters<typeof serializeChargebackDetail>[1] };
    return { resource: 'chargeback', ...serializeChargebackDetail(chargeback, documents) };
  }
  if (data.resource === 'subscription') return serializeSubscription(data as unknown as Subscription);
  if (data.resource === 'settlement') {
    // The merchant's name and the server's URL as they were when the event happened (domain/ledger-events.ts).
    const { merchant_name, public_url, ...settlement } = data as unknown as Settlement & { merchant_name: string; public_url: string };
    return serializeSettlementShow(settlement, { merchantName: merchant_name, publicUrl: public_url });
  }
  if (data.resource === 'disbursement') return { resource: 'disbursement', ...serializeDisbursement(data as unknown as Disbursement) };
  return data;
}
