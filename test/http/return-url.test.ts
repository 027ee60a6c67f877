import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isWebUrl } from '../../src/lib/web-url';
import { safeUrl } from '../../src/web/html';
import { startHarness, testCard, type Harness, type TestMerchant } from '../helpers/harness';
import { expectError } from '../helpers/payment-api';

// Every URL a merchant gives that a customer's browser is later sent to (a redirect Location, a
// redirect_url, a link on a page) must be http or https: anything else is refused with 422
// invalid_parameter naming the param, and a value stored before the check never redirects.

let h: Harness;
let m: TestMerchant;
beforeAll(async () => {
  h = await startHarness();
  m = await h.merchant();
});
afterAll(() => h.close());

const BAD = [
  'javascript:alert(document.cookie)',
  'JavaScript:alert(1)//https://shop.example/',
  'data:text/html,<script>alert(1)</script>',
  'vbscript:msgbox(1)',
  'file:///etc/passwd',
  'intent://scan/#Intent;scheme=zxing;package=com.evil;end',
  'ftp://shop.example/done',
  'https:shop.example/done',
  ' https://shop.example/done',
  'https://shop.example/\r\nSet-Cookie: a=b',
  'http://',
  '//shop.example/done',
];
const GOOD = ['https://shop.example/done?order=1&lang=ja#top', 'http://localhost:8080/callback?x=%E3%81%82', 'HTTPS://Shop.Example/Done'];

/** Each endpoint that takes such a URL: the request with `url` in it, and the param named. */
const ENDPOINTS: { name: string; param: string; send: (url: string) => ReturnType<Harness['request']> }[] = [
  {
    name: 'POST /sessions return_url',
    param: 'return_url',
    send: (url) => h.request({ method: 'POST', url: '/api/v1/sessions', key: m.secretKey, json: { amount: 1000, currency: 'JPY', return_url: url } }),
  },
  {
    name: 'POST /sessions return_url (form)',
    param: 'return_url',
    send: (url) => h.request({ method: 'POST', url: '/api/v1/sessions', key: m.secretKey, form: { amount: '1000', currency: 'JPY', return_url: url } }),
  },
  {
    name: 'POST /secure_tokens return_url',
    param: 'return_url',
    send: (url) =>
      h.request({ method: 'POST', url: '/api/v1/secure_tokens', key: m.secretKey, json: { amount: 1000, currency: 'JPY', return_url: url, payment_details: testCard() } }),
  },
  {
    name: 'POST /payments return_url',
    param: 'return_url',
    send: (url) =>
      h.request({ method: 'POST', url: '/api/v1/payments', key: m.secretKey, json: { amount: 1000, currency: 'JPY', return_url: url, payment_details: { type: 'paypay' } } }),
  },
  {
    name: 'POST /payments payment_details.return_url',
    param: 'payment_details.return_url',
    send: (url) =>
      h.request({ method: 'POST', url: '/api/v1/payments', key: m.secretKey, json: { amount: 1000, currency: 'JPY', payment_details: { type: 'paypay', return_url: url } } }),
  },
  {
    name: 'POST /payments cancel_url',
    param: 'cancel_url',
    send: (url) =>
      h.request({ method: 'POST', url: '/api/v1/payments', key: m.secretKey, json: { amount: 1000, currency: 'JPY', cancel_url: url, payment_details: { type: 'paypay' } } }),
  },
];

describe('merchant URLs a browser is sent to', () => {
  for (const endpoint of ENDPOINTS) {
    it(`${endpoint.name}: refuses every scheme but http and https`, async () => {
      for (const url of BAD) {
        const res = await endpoint.send(url);
        expectError(res, 422, 'invalid_parameter', endpoint.param);
        expect(res.body.error.message, url).toBe(`${endpoint.param} must be an absolute http or https URL`);
      }
    });

    it(`${endpoint.name}: accepts http and https URLs with their query`, async () => {
      for (const url of GOOD) {
        const res = await endpoint.send(url);
        expect(res.status, `${url}: ${res.text}`).toBe(200);
      }
    });
  }

  it('a session sends the customer back to its return_url with the query kept', async () => {
    const created = await h.request({ method: 'POST', url: '/api/v1/sessions', key: m.secretKey, json: { amount: 1000, currency: 'JPY', return_url: GOOD[0] } });
    expect(created.body.return_url).toBe(GOOD[0]);
    const cancel = await h.app.inject({ method: 'POST', url: `/sessions/${created.body.id}/cancel`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'locale=en' });
    expect(cancel.statusCode).toBe(303);
    expect(cancel.headers.location).toBe(`https://shop.example/done?order=1&lang=ja&session_id=${created.body.id}#top`);
  });

  it('a return_url stored before the check never becomes a redirect or a redirect_url', async () => {
    const session = async () => {
      const created = await h.request({ method: 'POST', url: '/api/v1/sessions', key: m.secretKey, json: { amount: 1000, currency: 'JPY', return_url: GOOD[0] } });
      expect(created.status, created.text).toBe(200);
      await h.store.db.updateTable('sessions').set({ return_url: 'javascript:alert(document.cookie)' }).where('id', '=', created.body.id).execute();
      return created.body.id as string;
    };
    const cancelled = await session();
    const cancel = await h.app.inject({ method: 'POST', url: `/sessions/${cancelled}/cancel`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'locale=en' });
    expect(cancel.statusCode).toBe(303);
    expect(cancel.headers.location).not.toMatch(/javascript/i);
    expect(String(cancel.headers.location)).toMatch(new RegExp(`^/sessions/${cancelled}`));

    const paid = await session();
    const pay = await h.request({ method: 'POST', url: `/api/v1/sessions/${paid}/pay`, key: m.publishableKey, json: { payment_details: testCard() } });
    expect(pay.status, pay.text).toBe(200);
    expect(pay.body.status).toBe('completed');
    expect(pay.text).not.toMatch(/javascript/i);
    const page = await h.app.inject({ url: `/sessions/${paid}` });
    expect(page.statusCode).toBeLessThan(400);
    expect(String(page.headers.location ?? '')).not.toMatch(/javascript/i);
    expect(page.body).not.toMatch(/javascript:/i);
  });

  it('isWebUrl and the pages’ safeUrl agree: http and https only', () => {
    for (const url of BAD) {
      expect(isWebUrl(url), url).toBe(false);
      expect(safeUrl(url), url).toBeNull();
    }
    for (const url of GOOD) {
      expect(isWebUrl(url), url).toBe(true);
      expect(safeUrl(url), url).toBe(url);
    }
  });
});
