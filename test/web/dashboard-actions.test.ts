import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDashboardUser } from '../../src/domain/dashboard/auth';
import { lockMerchantAgainstInserts } from '../../src/store/merchant-locks.repo';
import { DASHBOARD_PASSWORD, signedIn } from '../helpers/dashboard-browser';
import { startHarness, usingPostgres, type Harness } from '../helpers/harness';
import { paymentApi, type PaymentApi } from '../helpers/payment-api';

/**
 * The dashboard's payment actions hold the merchant before they lock the payment (runCommand), as
 * the API's routes do: beside a reset of the merchant's test data, which holds the merchant and
 * then deletes its payments, they wait for the reset holding nothing, instead of holding the
 * payment the reset waits for (a deadlock, or a reset given up with 409).
 */
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

const konbini = { payment_details: { type: 'konbini', store: 'lawson', email: 'shopper@example.com' } };
const bankAccount = { amount: '500', customer_name: 'ヤマダ タロウ', bank_name: 'Mizuho', branch_number: '123', account_type: 'normal', account_number: '1234567' };

/** Each action, with a payment it applies to and its form. */
const ACTIONS: [string, (api: PaymentApi) => Promise<{ id: string }>, Record<string, string>][] = [
  ['capture', (api) => api.create({ capture: false }), {}],
  ['refund', (api) => api.create(), { amount: '100' }],
  ['cancel', (api) => api.create({ capture: false }), {}],
  ['simulate-payment', (api) => api.create(konbini), {}],
  ['simulate-failure', (api) => api.create(konbini), { code: 'insufficient_funds' }],
  [
    'refund-request',
    async (api) => {
      const paid = await api.create(konbini);
      await api.post(`/api/v1/test_helpers/payments/${paid.id}/pay`);
      return paid;
    },
    bankAccount,
  ],
];

describe('a dashboard action beside a reset of the test data', () => {
  // PGlite runs one transaction at a time: nothing there can interleave.
  it.skipIf(!usingPostgres).each(ACTIONS)('%s waits for the reset without holding the payment', { timeout: 30_000 }, async (action, made, form) => {
    const m = await h.merchant();
    const email = `${action}@lock.example`;
    await createDashboardUser(h.store.db, h.clock.now(), { merchantId: m.id, email, password: DASHBOARD_PASSWORD });
    const browser = await signedIn(h.app, email);
    const payment = await made(paymentApi(h, m.secretKey));
    const csrf = await browser.csrf();

    // As a reset begins (test-data-reset.ts): the merchant's row FOR UPDATE, then its payments.
    const { posted } = await h.store.db.transaction().execute(async (trx) => {
      await lockMerchantAgainstInserts(trx, m.id);
      const { pid } = (await sql<{ pid: number }>`SELECT pg_backend_pid() AS pid`.execute(trx)).rows[0];
      const posted = browser.post(`/dashboard/payments/${payment.id}/${action}`, form, csrf);
      await waitUntilBlockedBy(pid);
      // Waiting for the merchant, the action holds no row of the payment's: the reset can lock it.
      await trx.selectFrom('payments').select('id').where('id', '=', payment.id).forUpdate().noWait().execute();
      return { posted };
    });
    const res = await posted;
    expect(res.statusCode, res.body).toBe(303);
  });
});

/** Until another connection waits for a lock that the connection `pid` holds. */
async function waitUntilBlockedBy(pid: number): Promise<void> {
  for (let tries = 0; tries < 500; tries++) {
    const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM pg_stat_activity WHERE ${pid} = ANY(pg_blocking_pids(pid))`.execute(h.store.db);
    if (rows[0].n > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`nothing waited for connection ${pid}`);
}
