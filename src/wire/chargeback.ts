import { timestamp } from './time';
import type { Chargeback } from '../model/chargeback';

/** A defense document as the domain lists it (domain/chargeback-documents.ts DocumentView). */
interface DocumentShown {
  file_name: string;
  content_type: string;
  file_size: number;
  uploaded_at: Date | string;
  url: string;
}

/**
 * Chargeback → KOMOJU's ChargebackRequestListItem (GET /chargeback_requests), field for field.
 * Times come as Date from rows and as strings from event snapshots; both print the same.
 */
export function serializeChargebackItem(chargeback: Chargeback): Record<string, unknown> {
  return {
    id: chargeback.id,
    payment_id: chargeback.payment_id,
    amount: chargeback.amount,
    currency: chargeback.currency,
    payment_method: chargeback.payment.payment_method,
    reason_code: chargeback.reason_code,
    reason: chargeback.reason,
    created_at: timestamp(chargeback.created_at),
    due_date: timestamp(chargeback.due_date),
    status: chargeback.status,
  };
}

/**
 * Chargeback → KOMOJU's ChargebackRequestDetail (GET /chargeback_requests/:id), with its
 * timeline, payment, customer and defense (null until one is submitted).
 */
export function serializeChargebackDetail(chargeback: Chargeback, documents: readonly DocumentShown[]): Record<string, unknown> {
  const defense = chargeback.defense;
  return {
    id: chargeback.id,
    status: chargeback.status,
    reason_code: chargeback.reason_code,
    reason: chargeback.reason,
    created_at: timestamp(chargeback.created_at),
    due_date: timestamp(chargeback.due_date),
    last_updated_at: timestamp(chargeback.updated_at),
    timeline: chargeback.timeline.map((entry) => ({ type: entry.type, occurred_at: timestamp(entry.occurred_at) })),
    payment: {
      ...chargeback.payment,
      created_at: timestamp(chargeback.payment.created_at),
      captured_at: timestamp(chargeback.payment.captured_at),
    },
    customer: chargeback.customer,
    defense: defense && {
      product_name: defense.product_name,
      reason: defense.reason,
      shipping_info: defense.shipping_info,
      recipient_info: defense.recipient_info,
      documents: documents.map((d) => ({
        file_name: d.file_name,
        content_type: d.content_type,
        file_size: d.file_size,
        uploaded_at: timestamp(d.uploaded_at),
        url: d.url,
      })),
    },
  };
}
