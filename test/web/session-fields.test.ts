import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { METHODS } from '../../src/methods';
import { LOCALES } from '../../src/web/i18n';
import { fieldLabel } from '../../src/web/pages/session';
import { startHarness, type Harness, type TestMerchant } from '../helpers/harness';

/**
 * The hosted page's method forms: every field a method declares has a label in every language,
 * and what the customer typed into a secret field never comes back in the page after a refusal.
 */

describe('checkout field labels', () => {
  it('every field of every method in the registry has a label in ja, en and ko', () => {
    const missing: string[] = [];
    for (const method of METHODS) {
      for (const field of method.checkoutFields) {
        for (const locale of LOCALES) if (!fieldLabel(locale, field)) missing.push(`${method.type}.${field.name} (${locale})`);
      }
    }
    expect(missing).toEqual([]);
  });
});

describe('secrets are never echoed into the page', () => {
  let h: Harness;
  let m: TestMerchant;
  beforeAll(async () => {
    h = await startHarness();
    m = await h.merchant();
  });
  afterAll(() => h.close());

  async function session(currency: string, types: string[], amount = 1500) {
    const res = await h.request({ method: 'POST', url: '/api/v1/sessions', key: m.secretKey, json: { amount, currency, payment_types: types, return_url: 'https://shop.example/done' } });
    expect(res.status, res.text).toBe(200);
    return res.body.id as string;
  }
  function post(id: string, form: Record<string, string>) {
    return h.app.inject({ method: 'POST', url: `/sessions/${id}/pay`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams(form).toString() });
  }

  it('a declined prepaid card: the page says so, without the typed number', async () => {
    const id = await session('JPY', ['web_money', 'credit_card']);
    const res = await post(id, { type: 'web_money', prepaid_number: 'e111111111111114', locale: 'en' });
    expect(res.statusCode).toBe(422);
    expect(res.body).toContain('data-error="web_money"');
    expect(res.body).not.toContain('e111111111111114');
    expect(res.body).toMatch(/<input id="web_money-prepaid_number"[^>]* value=""/);
  });

  it('a refused voucher: neither its PIN nor its password is shown again', async () => {
    // Every test voucher holds 2,000 won: 5,000 is refused (insufficient_funds).
    const id = await session('KRW', ['culture_voucher'], 5000);
    const res = await post(id, { type: 'culture_voucher', culture_id: 'secretpin1234567', culture_password: 'hunter22' });
    expect(res.statusCode).toBe(422);
    expect(res.body).toContain('data-error="culture_voucher"');
    expect(res.body).not.toContain('secretpin1234567');
    expect(res.body).not.toContain('hunter22');
  });

  it('a field error keeps the customer\'s name and contact details, not a birthday', async () => {
    const bank = await session('JPY', ['bank_transfer']);
    const res = await post(bank, { type: 'bank_transfer', family_name: '山田', given_name: '太郎', family_name_kana: 'bad', given_name_kana: 'タロウ', email: 'taro@example.com', phone: '0312345678' });
    expect(res.statusCode).toBe(422);
    for (const kept of ['山田', '太郎', 'タロウ', 'taro@example.com', '0312345678']) expect(res.body).toContain(`value="${kept}"`);
    const toss = await session('KRW', ['toss']);
    const refused = await post(toss, { type: 'toss', birthday: '901399' });
    expect(refused.statusCode).toBe(422);
    expect(refused.body).not.toContain('901399');
  });
});
