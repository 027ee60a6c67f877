import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, testCard, type Harness, type TestMerchant } from '../helpers/harness';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

const DAY = 86400;
/** The smallest PNG: its signature and an IHDR chunk are all the sniffing needs. */
const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
const PDF = Buffer.from('%PDF-1.4\n%kessai test\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

async function capturedCard(m: TestMerchant, json: Record<string, unknown> = {}) {
  const res = await h.request({
    method: 'POST',
    url: '/api/v1/payments',
    key: m.secretKey,
    json: { amount: 5000, currency: 'JPY', payment_details: testCard(), email: 'taro@example.com', ...json },
  });
  expect(res.status, res.text).toBe(200);
  return res.body;
}

async function open(m: TestMerchant, paymentId: string, json: Record<string, unknown> = {}) {
  return h.request({ method: 'POST', url: `/api/v1/test_helpers/payments/${paymentId}/chargeback`, key: m.secretKey, json });
}

async function opened(m: TestMerchant) {
  const payment = await capturedCard(m);
  const res = await open(m, payment.id);
  expect(res.status, res.text).toBe(201);
  return { payment, chargeback: res.body };
}

const show = (m: TestMerchant, id: string) => h.request({ url: `/api/v1/chargeback_requests/${id}`, key: m.secretKey });
const accept = (m: TestMerchant, id: string) => h.request({ method: 'POST', url: `/api/v1/chargeback_requests/${id}/accept`, key: m.secretKey });
const defense = (document: Buffer, extra: Record<string, unknown> = {}) => ({
  description: 'The customer signed for the parcel.',
  document: { document_base64: document.toString('base64'), filename: 'receipt.png' },
  ...extra,
});
const defend = (m: TestMerchant, id: string, json: unknown) => h.request({ method: 'POST', url: `/api/v1/chargeback_requests/${id}/defend`, key: m.secretKey, json });

async function events(m: TestMerchant, type: string) {
  const res = await h.request({ url: `/api/v1/events?type=${type}`, key: m.secretKey });
  return res.body.data;
}

/** The merchant's chargeback lines in its JPY ledger, as [type, amount_cents]. */
async function chargebackLines(m: TestMerchant): Promise<[string, number][]> {
  const res = await h.request({ url: '/api/v1/balances/JPY/transactions?per_page=100', key: m.secretKey });
  expect(res.status, res.text).toBe(200);
  return res.body.data.filter((l: { type: string }) => l.type.startsWith('chargeback')).map((l: { type: string; amount_cents: number }) => [l.type, l.amount_cents]);
}

async function money(id: string) {
  return h.services.db.selectFrom('chargebacks').select(['debited_at', 'credited_at']).where('id', '=', id).executeTakeFirstOrThrow();
}

describe('opening a chargeback (test helper)', () => {
  it('opens a pending dispute on a captured card payment, due in 14 days, with chargeback.created', async () => {
    const m = await h.merchant();
    const { payment, chargeback } = await opened(m);
    expect(chargeback).toMatchObject({
      status: 'pending',
      reason_code: 'CB_Fraud',
      reason: 'Fraudulent transaction',
      timeline: [{ type: 'created' }],
      payment: {
        id: payment.id,
        amount: payment.total,
        currency: 'JPY',
        captured_at: payment.captured_at,
        payment_method: { type: 'credit_card', brand: 'visa', last_four_digits: '1111' },
        masked_card_number: '**** **** **** 1111',
      },
      customer: { email: 'taro@example.com' },
      defense: null,
    });
    expect(chargeback.id).toMatch(/^[0-9a-z]{25}$/);
    expect(Date.parse(chargeback.due_date) - Date.parse(chargeback.created_at)).toBe(14 * DAY * 1000);
    expect(chargeback.amount).toBeUndefined();
    const [item] = (await h.request({ url: '/api/v1/chargeback_requests', key: m.secretKey })).body.data;
    expect(item).toEqual({
      id: chargeback.id,
      payment_id: payment.id,
      amount: payment.total,
      currency: 'JPY',
      payment_method: { type: 'credit_card', brand: 'visa', last_four_digits: '1111' },
      reason_code: 'CB_Fraud',
      reason: 'Fraudulent transaction',
      created_at: chargeback.created_at,
      due_date: chargeback.due_date,
      status: 'pending',
    });
    const [event] = await events(m, 'chargeback.created');
    expect(event).toMatchObject({ resource: 'event', data: { resource: 'chargeback', id: chargeback.id, status: 'pending' } });
    expect(await money(chargeback.id)).toEqual({ debited_at: null, credited_at: null });
  });

  it('takes an amount up to what is not refunded, and a known reason code', async () => {
    const m = await h.merchant();
    const payment = await capturedCard(m);
    await h.request({ method: 'POST', url: `/api/v1/payments/${payment.id}/refund`, key: m.secretKey, json: { amount: 1000 } });
    const disputable = payment.total - 1000;
    const tooMuch = await open(m, payment.id, { amount: disputable + 1 });
    expect(tooMuch.status).toBe(422);
    expect(tooMuch.body.error).toMatchObject({ code: 'invalid_parameter', param: 'amount' });
    const badReason = await open(m, payment.id, { reason_code: 'CB_Whatever' });
    expect(badReason.status).toBe(422);
    expect(badReason.body.error).toMatchObject({ code: 'invalid_parameter', param: 'reason_code' });
    const res = await open(m, payment.id, { amount: disputable, reason_code: 'CB_ProductNotReceived' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ reason_code: 'CB_ProductNotReceived', reason: 'Product or service not received' });
    const list = await h.request({ url: '/api/v1/chargeback_requests', key: m.secretKey });
    expect(list.body.data[0]).toMatchObject({ id: res.body.id, payment_id: payment.id, amount: disputable, currency: 'JPY' });
  });

  it('refuses an uncaptured, a non-card or an already disputed payment with not_chargebackable', async () => {
    const m = await h.merchant();
    const authorized = await capturedCard(m, { capture: false });
    expect((await open(m, authorized.id)).body.error.code).toBe('not_chargebackable');
    const konbini = await h.request({
      method: 'POST',
      url: '/api/v1/payments',
      key: m.secretKey,
      json: { amount: 1000, currency: 'JPY', payment_details: { type: 'konbini', store: 'lawson', email: 'a@example.com' } },
    });
    await h.request({ method: 'POST', url: `/api/v1/test_helpers/payments/${konbini.body.id}/pay`, key: m.secretKey });
    const notCard = await open(m, konbini.body.id);
    expect(notCard.status).toBe(422);
    expect(notCard.body.error.code).toBe('not_chargebackable');
    const { payment } = await opened(m);
    const twice = await open(m, payment.id);
    expect(twice.status).toBe(422);
    expect(twice.body.error.code).toBe('not_chargebackable');
    expect((await open(m, 'nosuchpayment')).status).toBe(404);
  });

  it('is a test-mode helper', async () => {
    const live = await h.merchant({ mode: 'live' });
    const res = await open(live, 'whatever');
    expect(res.status).toBe(403);
  });
});

describe('accepting', () => {
  it('accepts a pending chargeback: 204, accepted, debited once, chargeback.accepted; again: 204, nothing more', async () => {
    const m = await h.merchant();
    const { chargeback, payment } = await opened(m);
    const res = await accept(m, chargeback.id);
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    const after = await show(m, chargeback.id);
    expect(after.body.status).toBe('accepted');
    expect(after.body.timeline.map((e: { type: string }) => e.type)).toEqual(['created', 'accepted']);
    const { debited_at } = await money(chargeback.id);
    expect(debited_at).not.toBeNull();
    expect(await events(m, 'chargeback.accepted')).toHaveLength(1);

    const again = await accept(m, chargeback.id);
    expect(again.status).toBe(204);
    expect(await events(m, 'chargeback.accepted')).toHaveLength(1);
    expect(await money(chargeback.id)).toEqual({ debited_at, credited_at: null });
    // The balance pays for it, once.
    expect(await chargebackLines(m)).toEqual([['chargeback', payment.total]]);
    // Accepted is final: no defense any more.
    const late = await defend(m, chargeback.id, defense(PNG));
    expect(late.status).toBe(422);
    expect(late.body.error.code).toBe('unprocessable_entity');
  });

  it("answers 404 for another merchant's chargeback and changes nothing", async () => {
    const m = await h.merchant();
    const other = await h.merchant();
    const { chargeback } = await opened(m);
    expect((await show(other, chargeback.id)).status).toBe(404);
    expect((await accept(other, chargeback.id)).status).toBe(404);
    expect((await defend(other, chargeback.id, defense(PNG))).status).toBe(404);
    expect((await h.request({ method: 'POST', url: `/api/v1/test_helpers/chargeback_requests/${chargeback.id}/win`, key: other.secretKey })).status).toBe(404);
    expect((await h.request({ url: '/api/v1/chargeback_requests', key: other.secretKey })).body.total).toBe(0);
    expect((await show(m, chargeback.id)).body.status).toBe('pending');
  });
});

describe('defending', () => {
  it('stores the defense and its document, holds the money, and a won dispute credits it back', async () => {
    const m = await h.merchant();
    const { chargeback, payment } = await opened(m);
    const res = await defend(
      m,
      chargeback.id,
      defense(PNG, {
        product_name: 'Tea set',
        shipping_info: { company_name: 'Yamato', shipping_date: '2026-05-20', tracking_number: '1234-5678' },
        recipient_info: { name: 'Taro Yamada' },
      }),
    );
    expect(res.status, res.text).toBe(204);
    const after = await show(m, chargeback.id);
    expect(after.body).toMatchObject({
      status: 'defended',
      defense: {
        product_name: 'Tea set',
        reason: 'The customer signed for the parcel.',
        shipping_info: { company_name: 'Yamato', shipping_date: '2026-05-20', tracking_number: '1234-5678', shipping_address: null },
        recipient_info: { name: 'Taro Yamada', phone: null, email: null },
        documents: [{ file_name: 'receipt.png', content_type: 'image/png', file_size: PNG.length }],
      },
    });
    expect((await money(chargeback.id)).debited_at).not.toBeNull();

    // The signed URL downloads the file without a key; a tampered one is 404.
    const url = new URL(after.body.defense.documents[0].url);
    const file = await h.app.inject({ method: 'GET', url: url.pathname + url.search });
    expect(file.statusCode).toBe(200);
    expect(file.headers['content-type']).toBe('image/png');
    expect(file.rawPayload.equals(PNG)).toBe(true);
    const signature = url.searchParams.get('signature')!;
    const forged = new URL(url);
    forged.searchParams.set('signature', `${signature[0] === '0' ? '1' : '0'}${signature.slice(1)}`);
    const tampered = await h.app.inject({ method: 'GET', url: forged.pathname + forged.search });
    expect(tampered.statusCode).toBe(404);
    // Nor does a signature outlive its hour.
    h.clock.advance(3601 * 1000);
    try {
      expect((await h.app.inject({ method: 'GET', url: url.pathname + url.search })).statusCode).toBe(404);
    } finally {
      h.clock.advance(-3601 * 1000);
    }

    const again = await defend(m, chargeback.id, defense(PDF));
    expect(again.status).toBe(204);
    expect((await show(m, chargeback.id)).body.defense.documents).toHaveLength(1);

    const won = await h.request({ method: 'POST', url: `/api/v1/test_helpers/chargeback_requests/${chargeback.id}/win`, key: m.secretKey });
    expect(won.status).toBe(200);
    expect(won.body.status).toBe('cancelled');
    expect(won.body.timeline.map((e: { type: string }) => e.type)).toEqual(['created', 'defended', 'won']);
    const marks = await money(chargeback.id);
    expect(marks.credited_at).not.toBeNull();
    const disputed = payment.total;
    expect(disputed).toBeGreaterThan(0);
    expect((await chargebackLines(m)).sort()).toEqual([['chargeback', disputed], ['chargeback_reversal', disputed]]);
    expect((await events(m, 'chargeback.won'))[0].data).toMatchObject({ id: chargeback.id, status: 'cancelled' });
    // Decided: no second decision.
    const twice = await h.request({ method: 'POST', url: `/api/v1/test_helpers/chargeback_requests/${chargeback.id}/lose`, key: m.secretKey });
    expect(twice.status).toBe(422);
  });

  it('takes the defense as a bracket-notation form too, past the form parser’s default limit', async () => {
    const m = await h.merchant();
    const { chargeback } = await opened(m);
    const scan = Buffer.concat([PNG, Buffer.alloc(1024 * 1024, 7)]);
    const res = await h.request({
      method: 'POST',
      url: `/api/v1/chargeback_requests/${chargeback.id}/defend`,
      key: m.secretKey,
      form: { description: 'Signed receipt attached.', document: { document_base64: scan.toString('base64'), filename: 'C:\\scans\\receipt.png' }, recipient_info: { phone: '03-1234-5678' } },
    });
    expect(res.status, res.text.slice(0, 300)).toBe(204);
    const after = await show(m, chargeback.id);
    expect(after.body.defense).toMatchObject({ recipient_info: { phone: '03-1234-5678' }, documents: [{ file_name: 'receipt.png', file_size: scan.length }] });
  });

  it('refuses a refund of a disputed payment (not_refundable), and takes one again once the dispute is won', async () => {
    const m = await h.merchant();
    const { chargeback, payment } = await opened(m);
    const refund = () => h.request({ method: 'POST', url: `/api/v1/payments/${payment.id}/refund`, key: m.secretKey, json: { amount: 100 } });
    const refused = await refund();
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe('not_refundable');
    expect(refused.body.error.message).toContain(chargeback.id);
    expect((await defend(m, chargeback.id, defense(PDF))).status).toBe(204);
    expect((await refund()).status).toBe(422);
    expect((await h.request({ method: 'POST', url: `/api/v1/test_helpers/chargeback_requests/${chargeback.id}/win`, key: m.secretKey })).status).toBe(200);
    const refunded = await refund();
    expect(refunded.status, refunded.text).toBe(200);
    expect(refunded.body.amount_refunded).toBe(100);
  });

  it('a lost defense keeps the debit and credits nothing', async () => {
    const m = await h.merchant();
    const { chargeback, payment } = await opened(m);
    expect((await defend(m, chargeback.id, defense(PDF))).status).toBe(204);
    const lost = await h.request({ method: 'POST', url: `/api/v1/test_helpers/chargeback_requests/${chargeback.id}/lose`, key: m.secretKey });
    expect(lost.body.status).toBe('lost');
    expect(lost.body.defense.documents[0]).toMatchObject({ file_name: 'receipt.png', content_type: 'application/pdf' });
    const marks = await money(chargeback.id);
    expect(marks.debited_at).not.toBeNull();
    expect(marks.credited_at).toBeNull();
    expect(await chargebackLines(m)).toEqual([['chargeback', payment.total]]);
    expect(await events(m, 'chargeback.lost')).toHaveLength(1);
  });

  it('refuses a bad document with the KOMOJU envelope and stores nothing', async () => {
    const m = await h.merchant();
    const { chargeback } = await opened(m);
    const cases: [unknown, string, string][] = [
      [{ description: 'x' }, 'missing_parameter', 'document'],
      [{ document: { document_base64: PNG.toString('base64') } }, 'missing_parameter', 'description'],
      [defense(Buffer.from('just some text')), 'invalid_parameter', 'document.document_base64'],
      [{ description: 'x', document: { document_base64: 'not base64!' } }, 'invalid_parameter', 'document.document_base64'],
      [{ description: 'x', document: { document_base64: '' } }, 'invalid_parameter', 'document.document_base64'],
      [defense(PNG, { shipping_info: { shipping_date: 'tomorrow' } }), 'invalid_parameter', 'shipping_info.shipping_date'],
      [defense(PNG, { description: '' }), 'invalid_parameter', 'description'],
    ];
    for (const [body, code, param] of cases) {
      const res = await defend(m, chargeback.id, body);
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(422);
      expect(res.body.error).toMatchObject({ code, param });
    }
    const after = await show(m, chargeback.id);
    expect(after.body).toMatchObject({ status: 'pending', defense: null });
    expect(await money(chargeback.id)).toEqual({ debited_at: null, credited_at: null });
  });

  it('takes a document of several MB past the API body limit, and refuses one over 15 MB', async () => {
    const m = await h.merchant();
    const { chargeback } = await opened(m);
    const big = Buffer.concat([PDF, Buffer.alloc(15 * 1024 * 1024 + 1 - PDF.length, 0x20)]);
    const tooBig = await defend(m, chargeback.id, defense(big));
    expect(tooBig.status).toBe(422);
    expect(tooBig.body.error).toMatchObject({ code: 'invalid_parameter', param: 'document.document_base64' });
    // Far past it, the body itself is refused before it is parsed.
    const huge = await defend(m, chargeback.id, defense(Buffer.concat([big, big])));
    expect(huge.status).toBe(413);
    expect(huge.body.error.code).toBe('request_entity_too_large');
    const fine = await defend(m, chargeback.id, defense(big.subarray(0, 3 * 1024 * 1024)));
    expect(fine.status, fine.text.slice(0, 200)).toBe(204);
    expect((await show(m, chargeback.id)).body.defense.documents[0].file_size).toBe(3 * 1024 * 1024);
  }, 60_000);
});

describe('due dates on the test clock', () => {
  it('refuses to accept past the due date; the clock advance expires the dispute once, debited, chargeback.expired', async () => {
    const m = await h.merchant();
    const { chargeback } = await opened(m);
    const advance = (seconds: number) => h.request({ method: 'POST', url: '/api/v1/test_helpers/clock/advance', key: m.secretKey, json: { seconds } });
    await advance(14 * DAY - 60);
    expect((await show(m, chargeback.id)).body.status).toBe('pending');
    await advance(120);
    const after = await show(m, chargeback.id);
    expect(after.body.status).toBe('expired');
    expect(after.body.timeline.map((e: { type: string }) => e.type)).toEqual(['created', 'expired']);
    expect((await money(chargeback.id)).debited_at).not.toBeNull();
    await advance(DAY);
    expect(await events(m, 'chargeback.expired')).toHaveLength(1);
    const late = await accept(m, chargeback.id);
    expect(late.status).toBe(422);
    expect(late.body.error.code).toBe('unprocessable_entity');
  });
});

describe('a due date passed before any sweep', () => {
  it('refuses accept and defend with unprocessable_entity, and changes nothing', async () => {
    const m = await h.merchant();
    const { chargeback } = await opened(m);
    h.clock.advance(14 * DAY * 1000 + 1000);
    try {
      for (const res of [await accept(m, chargeback.id), await defend(m, chargeback.id, defense(PNG))]) {
        expect(res.status).toBe(422);
        expect(res.body.error).toMatchObject({ code: 'unprocessable_entity', message: 'The due date of the chargeback has passed.' });
      }
      expect((await show(m, chargeback.id)).body).toMatchObject({ status: 'pending', defense: null });
    } finally {
      h.clock.advance(-(14 * DAY * 1000 + 1000));
    }
  });
});

describe('listing', () => {
  it('lists pending first, filters by status, payment and due date, and pages', async () => {
    const m = await h.merchant();
    const first = await opened(m);
    const second = await opened(m);
    const third = await opened(m);
    await accept(m, second.chargeback.id);
    const all = await h.request({ url: '/api/v1/chargeback_requests', key: m.secretKey });
    expect(all.body).toMatchObject({ resource: 'list', total: 3, page: 1, per_page: 10, last_page: 1 });
    expect(all.body.data.map((c: { id: string }) => c.id)).toEqual([third.chargeback.id, first.chargeback.id, second.chargeback.id]);
    const accepted = await h.request({ url: '/api/v1/chargeback_requests?status=accepted', key: m.secretKey });
    expect(accepted.body.data.map((c: { id: string }) => c.id)).toEqual([second.chargeback.id]);
    const byPayment = await h.request({ url: `/api/v1/chargeback_requests?payment_id=${first.payment.id}`, key: m.secretKey });
    expect(byPayment.body.data.map((c: { id: string }) => c.id)).toEqual([first.chargeback.id]);
    const due = encodeURIComponent(first.chargeback.due_date);
    const dueWindow = await h.request({ url: `/api/v1/chargeback_requests?due_date_start=2000-01-01&due_date_end=${due}`, key: m.secretKey });
    expect(dueWindow.body.data.map((c: { id: string }) => c.id)).toContain(first.chargeback.id);
    const none = await h.request({ url: '/api/v1/chargeback_requests?due_date_end=2000-01-01', key: m.secretKey });
    expect(none.body.total).toBe(0);
    const paged = await h.request({ url: '/api/v1/chargeback_requests?per_page=2&page=2', key: m.secretKey });
    expect(paged.body).toMatchObject({ total: 3, last_page: 2 });
    expect(paged.body.data).toHaveLength(1);
  });

  it('refuses invalid filters with invalid_parameter', async () => {
    const m = await h.merchant();
    for (const [query, param] of [
      ['status=won', 'status'],
      ['due_date_start=yesterday', 'due_date_start'],
      ['per_page=101', 'per_page'],
    ]) {
      const res = await h.request({ url: `/api/v1/chargeback_requests?${query}`, key: m.secretKey });
      expect(res.status, query).toBe(422);
      expect(res.body.error).toMatchObject({ code: 'invalid_parameter', param });
    }
  });
});

describe('webhooks and logs', () => {
  it('queues a delivery for each chargeback event an endpoint subscribes to', async () => {
    const m = await h.merchant();
    const endpoint = await h.request({
      method: 'POST',
      url: '/api/v1/webhooks',
      key: m.secretKey,
      json: { url: 'https://shop.example/hooks', events: ['chargeback.created', 'chargeback.defended', 'chargeback.won'] },
    });
    expect(endpoint.status, endpoint.text).toBe(200);
    const { chargeback } = await opened(m);
    await defend(m, chargeback.id, defense(PNG));
    await h.request({ method: 'POST', url: `/api/v1/test_helpers/chargeback_requests/${chargeback.id}/win`, key: m.secretKey });
    const deliveries = await h.request({ url: `/api/v1/webhooks/${endpoint.body.id}/deliveries`, key: m.secretKey });
    const types = deliveries.body.data.map((d: { event_type: string }) => d.event_type).filter((type: string) => type !== 'ping');
    expect(types.sort()).toEqual(['chargeback.created', 'chargeback.defended', 'chargeback.won']);
  });

  it('never writes a document into the logs', async () => {
    const m = await h.merchant();
    const { chargeback } = await opened(m);
    const marker = Buffer.concat([PDF, Buffer.from('secret-evidence-8c1f')]);
    expect((await defend(m, chargeback.id, defense(marker))).status).toBe(204);
    const encoded = marker.toString('base64');
    expect(h.logs.some((line) => line.includes(encoded.slice(-24)) || line.includes('secret-evidence'))).toBe(false);
  });
});

describe('reset', () => {
  it("deletes the merchant's chargebacks and their documents, not another's", async () => {
    const m = await h.merchant();
    const other = await h.merchant();
    const { chargeback } = await opened(m);
    await defend(m, chargeback.id, defense(PNG));
    const kept = await opened(other);
    const res = await h.request({ method: 'POST', url: '/api/v1/test_helpers/reset', key: m.secretKey });
    expect(res.status, res.text).toBe(200);
    expect(res.body.chargebacks).toBe(1);
    expect((await show(m, chargeback.id)).status).toBe(404);
    const documents = await h.services.db.selectFrom('chargeback_documents').select('id').where('merchant_id', '=', m.id).execute();
    expect(documents).toEqual([]);
    expect((await show(other, kept.chargeback.id)).status).toBe(200);
  });
});
