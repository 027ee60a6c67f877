import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDashboardUser } from '../../src/domain/dashboard/auth';
import { startHarness, type Harness } from '../helpers/harness';
import { paymentApi } from '../helpers/payment-api';
import { DASHBOARD_PASSWORD, signedIn as signedInAs } from '../helpers/dashboard-browser';

// The payment list as a merchant scans it (issue 19): what matters first, ids last, short and
// linked; empty states that say how to make the first payment; and the sign-in page.

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

/** A new merchant with a dashboard user, signed in. */
async function shop(email: string) {
  const m = await h.merchant();
  await createDashboardUser(h.store.db, h.clock.now(), { merchantId: m.id, email, password: DASHBOARD_PASSWORD });
  return { m, browser: await signedInAs(h.app, email) };
}

const headers = (body: string) => [...body.matchAll(/<th scope="col">([^<]*)<\/th>/g)].map((match) => match[1]);

describe('the payment list', () => {
  it('leads with created, total, status, method and customer; the id last, one line, linked, its full text in the title', async () => {
    const { m, browser } = await shop('scan@shop.example');
    const payment = await paymentApi(h, m.secretKey).create({ external_order_num: 'order-77', email: 'buyer@example.com' });
    const res = await browser.get('/dashboard/payments');
    expect(res.statusCode).toBe(200);
    expect(headers(res.body)).toEqual(['Created', 'Total', 'Status', 'Payment method', 'Customer / order', 'Refunded', 'ID']);
    expect(res.body).toContain(`<a href="/dashboard/payments/${payment.id}" class="dash-id" title="${payment.id}" data-id="${payment.id}"><code>${payment.id}</code></a>`);
    expect(res.body).toContain('buyer@example.com');
    expect(res.body).toContain('order-77');
    expect(res.body).toContain('class="dash-table-wrap dash-table-cards"');
    expect(res.body).toContain('<td class="id" data-label="ID">');
    const css = (await h.app.inject('/assets/dashboard.css')).body;
    expect(css).toMatch(/\.dash-id \{[^}]*white-space: nowrap[^}]*\}/);
    expect(css).toMatch(/\.dash-id \{[^}]*text-overflow: ellipsis[^}]*\}/);
  });

  it('links every payment id in the other lists to the payment, the same way', async () => {
    const { m, browser } = await shop('links@shop.example');
    const payment = await paymentApi(h, m.secretKey).create({});
    const balances = await browser.get('/dashboard/balances');
    expect(balances.body).toContain(`<a href="/dashboard/payments/${payment.id}" class="dash-id"`);
  });
});
