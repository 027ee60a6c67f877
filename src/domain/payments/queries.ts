import type { Db } from '../../store/db';
import * as paymentsRepo from '../../store/payments.repo';
import { ApiError } from '../../kernel/errors';
import { CURRENCIES } from '../../kernel/money';
import type { Payment, PaymentStatus } from '../../model/payment';
import type { Actor } from '../context';

/** GET /payments/:id, and the list GET /payments. */

export async function getPayment(db: Db, actor: Actor, id: string): Promise<Payment> {
  const payment = await paymentsRepo.findPayment(db, actor.merchant.id, id);
  if (!payment) throw new ApiError('not_found', { param: 'id' });
  return payment;
}

export interface ListPaymentsQuery {
  page: number;
  per_page: number;
  status?: string;
  external_order_num?: string;
  currency?: string;
  start_time?: Date;
  end_time?: Date;
}

export async function listPayments(db: Db, actor: Actor, query: ListPaymentsQuery) {
  const statuses = query.status?.split(',').map((s) => s.trim()).filter(Boolean) as PaymentStatus[] | undefined;
  // A currency KOMOJU does not know is a bad value (422), like an unknown status; a known one
  // with no payment is an empty list (the list rule, src/http/schemas.ts).
  if (query.currency !== undefined && !(CURRENCIES as readonly string[]).includes(query.currency.toUpperCase())) {
    throw new ApiError('invalid_parameter', { param: 'currency', message: `currency must be one of ${CURRENCIES.join(', ')}` });
  }
  return paymentsRepo.listPayments(
    db,
    {
      merchantId: actor.merchant.id,
      statuses,
      externalOrderNum: query.external_order_num,
      currency: query.currency?.toUpperCase(),
      startTime: query.start_time,
      endTime: query.end_time,
    },
    query.page,
    query.per_page,
  );
}
