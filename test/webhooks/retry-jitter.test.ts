import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimDeliveries, recordAttempt } from '../../src/domain/webhook-delivery';
import { retryDueAt } from '../../src/domain/webhook-retry';
import { EndpointSlots } from '../../src/domain/webhook-slots';
import { seededFractions } from '../../src/lib/random';
import { webhookBody } from '../../src/wire/webhook';
import { startHarness, type Harness } from '../helpers/harness';
import { paymentApi } from '../helpers/payment-api';

let h: Harness;

// No worker runs here: the test claims and records the attempt itself, with a seeded jitter.
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

describe('webhook retry jitter', () => {
  it('stores the due time domain computed from the seeded jitter, on the merchant clock taken back to system time and on to the database clock', async () => {
    const m = await h.merchant();
    const api = paymentApi(h, m.secretKey);
    const created = await api.post('/api/v1/webhooks', { url: 'http://127.0.0.1:9/hooks' }); // its ping is due at once
    expect(created.status, created.text).toBe(200);
    const advanced = await api.post('/api/v1/test_helpers/clock/advance', { seconds: 3600 });
    expect(advanced.status, advanced.text).toBe(200);

    const [delivery, ...more] = await claimDeliveries(h.services, { limit: 10, slots: new EndpointSlots({ concurrencyPerEndpoint: 4 }), render: webhookBody });
    expect(more).toEqual([]);
    expect(delivery).toMatchObject({ endpointId: created.body.id, step: 0, clockOffsetMs: 3_600_000 });
    const attemptedAt = delivery.clock.now();
    await recordAttempt(h.services.db, delivery, attemptedAt, { statusCode: 500, latencyMs: 3, error: null, responseExcerpt: '' }, seededFractions(2026));

    const row = await h.services.db
      .selectFrom('webhook_deliveries')
      .select(['status', 'next_step', 'next_attempt_at'])
      .where('id', '=', delivery.id)
      .executeTakeFirstOrThrow();
    const expected = retryDueAt(attemptedAt, 1, seededFractions(2026)).getTime() - 3_600_000;
    expect(row).toMatchObject({ status: 'pending', next_step: 1 });
    // Stored on the database's clock: as far from its now as domain's due time is from this
    // process's (one machine here, so within the moments between the two).
    expect(Math.abs(new Date(row.next_attempt_at!).getTime() - expected)).toBeLessThan(1_000);
    const delay = expected + 3_600_000 - attemptedAt.getTime();
    expect(delay).toBeGreaterThanOrEqual(54_000);
    expect(delay).toBeLessThanOrEqual(66_000);
  });
});
