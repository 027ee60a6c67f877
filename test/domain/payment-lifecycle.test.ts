import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../src/kernel/errors';
import type { Payment, PaymentStatus } from '../../src/model/payment';
import type { Db } from '../../src/store/db';
import { randomIds } from '../../src/lib/ids';

// applyAction's writes, recorded instead of made: what it saves and which events, in order.
const writes: string[] = [];
vi.mock('../../src/store/payments.repo', () => ({
  lockPayment: vi.fn(),
  updatePayment: vi.fn(async (_db: Db, id: string, changes: Record<string, unknown>) => {
    writes.push(`update ${changes.status}`);
    return { ...payment, id, ...changes };
  }),
  insertRefund: vi.fn(async () => void writes.push('refund')),
}));
vi.mock('../../src/store/refund-requests.repo', () => ({
  insertRefundRequest: vi.fn(async () => void writes.push('refund request')),
  setStatus: vi.fn(async () => void writes.push('refund request status')),
}));
vi.mock('../../src/domain/events', () => ({
  recordPaymentEvent: vi.fn(async (_db: Db, _ids: unknown, type: string) => void writes.push(type)),
}));
vi.mock('../../src/domain/session-completion', () => ({
  lockPaymentAndSession: vi.fn(),
  completeSessionOf: vi.fn(async () => void writes.push('complete session')),
}));

const { applyActionToLocked } = await import('../../src/domain/payment-lifecycle');
const { ACTION_EVENTS, PAYMENT_ACTIONS, PAYMENT_STATUSES, transition } = await import('../../src/domain/payment-state');
type PaymentAction = (typeof PAYMENT_ACTIONS)[number];

/**
 * The events each action records, written out independently of ACTION_EVENTS: one per change,
 * and a refund that reaches the total also ends the payment.
 */
const EVENTS: Record<PaymentAction, string[]> = {
  capture: ['payment.captured'],
  complete: ['payment.captured'],
  refund_partial: ['payment.refund.created'],
  refund_full: ['payment.refund.created', 'payment.refunded'],
  cancel: ['payment.cancelled'],
  expire: ['payment.expired'],
  fail: ['payment.failed'],
  update: ['payment.updated'],
};

const now = new Date('2026-11-22T03:31:38.123Z');
const payment = { id: 'pay0000000000000000000001', merchant_id: 'm', status: 'authorized', refunds: [], refund_requests: [] } as unknown as Payment;
const trx = {} as Db;

beforeEach(() => {
  writes.length = 0;
});

describe('the action → event table', () => {
  it('names the events of every action of the state table, and nothing else', () => {
    expect(Object.keys(ACTION_EVENTS).sort()).toEqual([...PAYMENT_ACTIONS].sort());
    expect(ACTION_EVENTS).toEqual(EVENTS);
  });
});

describe('applyActionToLocked', () => {
  const cells = PAYMENT_STATUSES.flatMap((status) => PAYMENT_ACTIONS.map((action) => [status, action] as const));

  it.each(cells)('%s × %s: the table\'s next status and the action\'s events, or its refusal and no write', async (status: PaymentStatus, action) => {
    const step = transition(status, action);
    const run = applyActionToLocked(trx, { ...payment, status }, now, randomIds, { action, lock: 'payment-and-session', change: () => ({ set: {} }) });
    if (!step.ok) {
      await expect(run).rejects.toMatchObject({ code: step.error });
      expect(writes).toEqual([]);
      return;
    }
    const saved = await run;
    expect(saved.status).toBe(step.next);
    expect(writes).toEqual([`update ${step.next}`, ...EVENTS[action], ...(action === 'complete' ? ['complete session'] : [])]);
  });

  it('runs the command\'s own refusal before the table, and writes nothing when it refuses', async () => {
    const refuse = () => {
      throw new ApiError('not_refundable', { message: 'the method says no' });
    };
    await expect(applyActionToLocked(trx, { ...payment, status: 'failed' }, now, randomIds, { action: 'capture', refuse, change: () => ({ set: {} }) })).rejects.toThrow(
      'the method says no',
    );
    expect(writes).toEqual([]);
  });

  it('words the table\'s refusal as the command says', async () => {
    const run = applyActionToLocked(trx, { ...payment, status: 'failed' }, now, randomIds, {
      action: 'complete',
      lock: 'payment-and-session',
      refusalMessage: (p) => `A ${p.status} payment cannot be paid`,
      change: () => ({ set: {} }),
    });
    await expect(run).rejects.toMatchObject({ code: 'unprocessable_entity', message: 'A failed payment cannot be paid' });
  });

  it('writes nothing and records nothing when the change is null', async () => {
    expect(await applyActionToLocked(trx, payment, now, randomIds, { action: 'update', change: () => null })).toBe(payment);
    expect(writes).toEqual([]);
  });

  it('leaves the payment row alone when the change sets no column, and records the event with its reason', async () => {
    const events = await import('../../src/domain/events');
    await applyActionToLocked(trx, { ...payment, status: 'captured' }, now, randomIds, { action: 'update', change: () => ({ reason: 'refund_request.rejected' }) });
    expect(writes).toEqual(['payment.updated']);
    expect(vi.mocked(events.recordPaymentEvent).mock.lastCall?.[5]).toBe('refund_request.rejected');
  });

  it('asks the table again when the change turns out to be another action (update → complete)', async () => {
    const saved = await applyActionToLocked(trx, { ...payment, status: 'pending' }, now, randomIds, {
      action: 'update',
      lock: 'payment-and-session',
      change: () => ({ action: 'complete', set: { captured_at: now } }),
    });
    expect(saved.status).toBe('captured');
    expect(writes).toEqual(['update captured', 'payment.captured', 'complete session']);
  });

  it('refuses to complete a payment whose session was not locked first (the lock order that avoids deadlocks)', async () => {
    const run = applyActionToLocked(trx, payment, now, randomIds, { action: 'complete', change: () => ({ set: {} }) });
    await expect(run).rejects.toThrow(/lock its session first/);
    expect(writes).toEqual([]);
  });
});
