import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimDeliveries } from '../../src/domain/webhook-delivery';
import { EndpointSlots } from '../../src/domain/webhook-slots';
import { webhookBody } from '../../src/wire/webhook';
import { startHarness, type Harness } from '../helpers/harness';
import { paymentApi } from '../helpers/payment-api';

let h: Harness;

// No worker runs here: the test claims itself, to see which deliveries each claim takes.
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

describe('claiming deliveries due at the same time', () => {
  it('takes them in id order, so the held deliveries of an out_of_order window form the same turns every time', async () => {
    const m = await h.merchant();
    const api = paymentApi(h, m.secretKey);
    const created = await api.post('/api/v1/webhooks', { url: 'http://127.0.0.1:9/hooks', events: ['payment.captured'] });
    expect(created.status, created.text).toBe(200);
    const patched = await api.patch(`/api/v1/webhooks/${created.body.id}`, { simulate: { out_of_order: { window_seconds: 60 } } });
    expect(patched.status, patched.text).toBe(200);
    for (let i = 0; i < 6; i++) await api.create({ amount: 1000 + i });
    const rows = await h.services.db.selectFrom('webhook_deliveries').select(['id', 'next_attempt_at', 'simulated']).where('endpoint_id', '=', created.body.id).execute();
    const held = rows.filter((r) => r.simulated.includes('out_of_order'));
    expect(held).toHaveLength(6);
    expect(new Set(held.map((r) => new Date(r.next_attempt_at!).getTime())).size).toBe(1);
    const inIdOrder = held.map((r) => r.id).sort();
    // The window ends a minute from now: bring it due, one row at a time in descending id order, so
    // that the table holds them against id order (a scan meets them so) and only the claim's own
    // ORDER BY can put them in id order.
    const due = h.services.clock.now();
    for (const id of [...inIdOrder].reverse()) {
      await h.services.db.updateTable('webhook_deliveries').set({ next_attempt_at: due }).where('id', '=', id).execute();
    }

    // Three at a time per endpoint: the ping (due first), then the held ones two and three at a time, lowest ids first.
    const claim = async () =>
      (await claimDeliveries(h.services, { limit: 10, slots: new EndpointSlots({ concurrencyPerEndpoint: 3 }), render: webhookBody }))
        .filter((d) => inIdOrder.includes(d.id))
        .map((d) => d.id)
        .sort();
    expect(await claim()).toEqual(inIdOrder.slice(0, 2));
    expect(await claim()).toEqual(inIdOrder.slice(2, 5));
    expect(await claim()).toEqual(inIdOrder.slice(5));
  });
});
