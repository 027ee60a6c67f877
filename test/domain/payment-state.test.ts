import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PAYMENT_ACTIONS, PAYMENT_STATUSES, transition, type PaymentAction } from '../../src/domain/payment-state';
import { startHarness, type Harness } from '../helpers/harness';
import { paymentApi, type PaymentApi } from '../helpers/payment-api';
import type { PaymentStatus } from '../../src/model/payment';

/**
 * The transitions KOMOJU documents (spec §4.3), written out independently of the implementation:
 * every status × action either moves to a status or is refused with the code the API answers.
 * `fail` from authorized covers offsite and async payments, which start authorized.
 */
const ALLOWED: Record<PaymentStatus, Partial<Record<PaymentAction, PaymentStatus>>> = {
  pending: { complete: 'captured', cancel: 'cancelled', expire: 'expired', fail: 'failed', update: 'pending' },
  authorized: { capture: 'captured', complete: 'captured', cancel: 'cancelled', expire: 'expired', fail: 'failed', update: 'authorized' },
  captured: { refund_partial: 'captured', refund_full: 'refunded', update: 'captured' },
  refunded: { update: 'refunded' },
  cancelled: { update: 'cancelled' },
  expired: { update: 'expired' },
  failed: { update: 'failed' },
};

const REFUSED_WITH: Record<PaymentAction, string> = {
  capture: 'not_capturable',
  complete: 'unprocessable_entity',
  refund_partial: 'not_refundable',
  refund_full: 'not_refundable',
  cancel: 'not_cancellable',
  expire: 'unprocessable_entity',
  fail: 'unprocessable_entity',
  update: 'unprocessable_entity',
};

describe('the transition table', () => {
  it('knows exactly the seven statuses and eight actions', () => {
    expect([...PAYMENT_STATUSES].sort()).toEqual(['authorized', 'cancelled', 'captured', 'expired', 'failed', 'pending', 'refunded']);
    expect([...PAYMENT_ACTIONS].sort()).toEqual(Object.keys(REFUSED_WITH).sort());
  });

  const cells = PAYMENT_STATUSES.flatMap((status) => PAYMENT_ACTIONS.map((action) => [status, action] as const));
  it.each(cells)('%s × %s', (status, action) => {
    const next = ALLOWED[status][action];
    expect(transition(status, action)).toEqual(next ? { ok: true, next } : { ok: false, error: REFUSED_WITH[action] });
  });

  it('lets nothing leave a terminal status except an update, which keeps it', () => {
    for (const status of ['refunded', 'cancelled', 'expired', 'failed'] as const) {
      for (const action of PAYMENT_ACTIONS) {
        const step = transition(status, action);
        if (action === 'update') expect(step).toEqual({ ok: true, next: status });
        else expect(step.ok).toBe(false);
      }
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Random action sequences against the real API.

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

type Action =
  | { kind: 'capture'; amount?: number }
  | { kind: 'refund'; amount?: number }
  | { kind: 'cancel' }
  | { kind: 'update'; description: string };

const actionArb: fc.Arbitrary<Action> = fc.oneof(
  fc.record({ kind: fc.constant('capture' as const), amount: fc.option(fc.integer({ min: 1, max: 1200 }), { nil: undefined }) }),
  fc.record({ kind: fc.constant('refund' as const), amount: fc.option(fc.integer({ min: 1, max: 1300 }), { nil: undefined }) }),
  fc.constant({ kind: 'cancel' as const }),
  fc.record({ kind: fc.constant('update' as const), description: fc.string({ maxLength: 20 }) }),
);

const scenarioArb = fc.record({
  amount: fc.integer({ min: 1, max: 1000 }),
  capture: fc.boolean(),
  actions: fc.array(actionArb, { minLength: 1, maxLength: 8 }),
});

interface Payment {
  id: string;
  status: PaymentStatus;
  amount: number;
  tax: number;
  total: number;
  amount_refunded: number;
  captured_at: string | null;
  refunds: { amount: number }[];
  description: string | null;
}

function checkInvariants(p: Payment): void {
  expect(p.total).toBe(p.amount + p.tax);
  expect(p.amount_refunded).toBeGreaterThanOrEqual(0);
  expect(p.amount_refunded).toBeLessThanOrEqual(p.total);
  expect(p.status === 'refunded').toBe(p.total > 0 && p.amount_refunded === p.total);
  expect(p.captured_at !== null).toBe(p.status === 'captured' || p.status === 'refunded');
  expect(p.refunds.reduce((sum, r) => sum + r.amount, 0)).toBe(p.amount_refunded);
  if (p.status !== 'captured' && p.status !== 'refunded') expect(p.amount_refunded).toBe(0);
}

/**
 * What the API must answer for `action` on `p`, from the state table plus the money rules:
 * `{ ok: true, status }` or `{ ok: false, code }`.
 */
function expected(p: Payment, action: Action): { ok: true; status: PaymentStatus } | { ok: false; code: string } {
  const step = (a: PaymentAction) => {
    const t = transition(p.status, a);
    return t.ok ? ({ ok: true, status: t.next } as const) : ({ ok: false, code: t.error } as const);
  };
  switch (action.kind) {
    case 'capture': {
      const t = step('capture');
      if (t.ok && action.amount !== undefined && action.amount > p.amount) return { ok: false, code: 'invalid_parameter' };
      return t;
    }
    case 'refund': {
      const remaining = p.total - p.amount_refunded;
      const amount = action.amount ?? remaining;
      const t = step(amount === remaining ? 'refund_full' : 'refund_partial');
      if (t.ok && amount > remaining) return { ok: false, code: 'invalid_parameter' };
      return t;
    }
    case 'cancel':
      return step('cancel');
    case 'update':
      return step('update');
  }
}

async function apply(api: PaymentApi, id: string, action: Action) {
  switch (action.kind) {
    case 'capture':
      return api.post(`/api/v1/payments/${id}/capture`, action.amount === undefined ? {} : { amount: action.amount });
    case 'refund':
      return api.post(`/api/v1/payments/${id}/refund`, action.amount === undefined ? {} : { amount: action.amount });
    case 'cancel':
      return api.post(`/api/v1/payments/${id}/cancel`, {});
    case 'update':
      return api.patch(`/api/v1/payments/${id}`, { description: action.description });
  }
}

describe('random action sequences through the API', () => {
  it('keep every invariant, and illegal actions answer the table\'s code and change nothing', async () => {
    const api = paymentApi(h, (await h.merchant()).secretKey);
    await fc.assert(
      fc.asyncProperty(scenarioArb, async ({ amount, capture, actions }) => {
        let p: Payment = await api.create({ amount, capture });
        expect(p.status).toBe(capture ? 'captured' : 'authorized');
        checkInvariants(p);
        let events = (await api.eventTypes(p.id)).length;
        expect(events).toBe(1);
        for (const action of actions) {
          const want = expected(p, action);
          const res = await apply(api, p.id, action);
          const now: Payment = (await api.get(`/api/v1/payments/${p.id}`)).body;
          const eventsNow = (await api.eventTypes(p.id)).length;
          if (want.ok) {
            expect(res.status, `${JSON.stringify(action)} on ${p.status}: ${res.text}`).toBe(200);
            expect(res.body).toEqual(now);
            expect(now.status).toBe(want.status);
            // One event per change, two when a refund completes the payment, none for a PATCH
            // that sends the description the payment has (it changes nothing: lifecycle.ts).
            const unchanged = action.kind === 'update' && action.description === p.description;
            const added = unchanged ? 0 : action.kind === 'refund' && want.status === 'refunded' ? 2 : 1;
            expect(eventsNow - events).toBe(added);
          } else {
            expect(res.status, `${JSON.stringify(action)} on ${p.status}: ${res.text}`).toBe(422);
            expect(res.body.error.code).toBe(want.code);
            expect(now).toEqual(p);
            expect(eventsNow).toBe(events);
          }
          checkInvariants(now);
          p = now;
          events = eventsNow;
        }
      }),
      // 15 sequences of up to 8 actions (~250 requests): seconds on an idle machine.
      { numRuns: 15 },
    );
  }, 300_000);
});
