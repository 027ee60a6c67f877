import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../helpers/harness';
import { expectError, paymentApi } from '../helpers/payment-api';

// POST /api/v1/payments/:id/finalize (KOMOJU's "Payment: Finalize"): the chip's final decision on
// an authorized EMV payment made at a card terminal (payment_details type credit_card_terminal).

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

const TRACK2 = '4111111111111111D30122011234567890';
const TERMINAL = { type: 'credit_card_terminal', number: '4111111111111111', track2: TRACK2, field55: '9F2608C2F2D6A1B3E4F5069F2701809F360200419F3704A1B2C3D45A084111111111111111', sequence_number: '001', posDataCode: 'A10101C14180', flowType: '1' };
const FINAL = { ac_type: 'tc', field55: '9F2608AABBCCDDEEFF00119F270140', track2: TRACK2 };

async function fresh() {
  const m = await h.merchant();
  const api = paymentApi(h, m.secretKey);
  const terminal = (details: Record<string, unknown> = {}, body: Record<string, unknown> = {}) => api.create({ payment_details: { ...TERMINAL, ...details }, ...body });
  const finalize = (id: string, body: Record<string, unknown>) => api.post(`/api/v1/payments/${id}/finalize`, body);
  return { m, api, terminal, finalize };
}

describe('a payment at an EMV terminal', () => {
  it('is authorized, whatever `capture` says, with the issuer\'s field55 and an approval number; never the card data it was sent', async () => {
    const { terminal } = await fresh();
    for (const capture of [true, false]) {
      const p = await terminal({}, { capture });
      expect(p.status).toBe('authorized');
      expect(Date.parse(p.payment_deadline) - Date.parse(p.created_at)).toBeGreaterThan(6 * 86_400_000);
      expect(p.payment_details).toEqual({
        type: 'credit_card_terminal',
        brand: 'visa',
        last_four_digits: '1111',
        month: 12,
        year: 2030,
        field55: expect.stringMatching(/^8A0230309108\d{16}$/),
        approval_number: expect.stringMatching(/^\d{6}$/),
      });
      expect(JSON.stringify(p)).not.toContain('4111111111111111');
    }
  });

  it('a magnetic-stripe payment (flowType 2) is captured at once, as a typed card', async () => {
    const { terminal } = await fresh();
    const p = await terminal({ flowType: '2', field55: undefined });
    expect(p.status).toBe('captured');
    expect(p.payment_details).not.toHaveProperty('field55');
  });

  it('a declined test card fails at authorization (502), as a typed card', async () => {
    const { api } = await fresh();
    const res = await api.post('/api/v1/payments', { amount: 1000, currency: 'JPY', payment_details: { ...TERMINAL, number: '4123111111111059', track2: '4123111111111059D3012' } });
    expectError(res, 502, 'card_declined');
  });

  it('is never offered by a session', async () => {
    const { api } = await fresh();
    const session = await api.post('/api/v1/sessions', { amount: 1000, currency: 'JPY' });
    expect(session.status, session.text).toBe(200);
    expect(session.body.payment_methods.map((m: { type: string }) => m.type)).not.toContain('credit_card_terminal');
    const asked = await api.post('/api/v1/sessions', { amount: 1000, currency: 'JPY', payment_types: ['credit_card_terminal'] });
    expectError(asked, 422, 'invalid_payment_type', 'payment_types');
  });
});

describe('POST /api/v1/payments/:id/finalize', () => {
  it('tc captures the payment (payment.captured), with the metadata given', async () => {
    const { api, terminal, finalize } = await fresh();
    const p = await terminal();
    const res = await finalize(p.id, { ...FINAL, metadata: { lane: '3' } });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ id: p.id, status: 'captured', total: 1100, metadata: { lane: '3' } });
    expect(res.body.captured_at).toMatch(/Z$/);
    expect(await api.eventTypes(p.id)).toEqual(['payment.authorized', 'payment.captured']);
    // The terminal's final EMV data and track 2 are not kept or shown.
    expect(JSON.stringify(res.body)).not.toContain(FINAL.field55);
    expect(JSON.stringify(res.body)).not.toContain(TRACK2);
  });

  it('tc with capture false leaves it authorized, for a later capture', async () => {
    const { api, terminal, finalize } = await fresh();
    const p = await terminal();
    const res = await finalize(p.id, { ...FINAL, capture: false });
    expect(res.status, res.text).toBe(200);
    expect(res.body.status).toBe('authorized');
    const captured = await api.post(`/api/v1/payments/${p.id}/capture`, {});
    expect(captured.status, captured.text).toBe(200);
    expect(captured.body.status).toBe('captured');
  });

  it('refuses to capture an EMV payment before finalize (not_capturable): the chip has not decided yet', async () => {
    const { api, terminal, finalize } = await fresh();
    const p = await terminal({}, { capture: false });
    const early = await api.post(`/api/v1/payments/${p.id}/capture`, {});
    expectError(early, 422, 'not_capturable');
    expect(early.body.error.message).toContain('finalize');
    expect((await api.get(`/api/v1/payments/${p.id}`)).body.status).toBe('authorized');
    // Declined by the chip: nothing left to capture.
    const declined = await finalize(p.id, { ...FINAL, ac_type: 'aac' });
    expect(declined.body.status).toBe('cancelled');
    expectError(await api.post(`/api/v1/payments/${p.id}/capture`, {}), 422, 'not_capturable');
    // A magnetic-stripe authorization has no chip decision to wait for.
    const stripe = await terminal({ flowType: '2' }, { capture: false });
    expect(stripe.status).toBe('authorized');
    expect((await api.post(`/api/v1/payments/${stripe.id}/capture`, {})).status).toBe(200);
  });

  it('aac and fault cancel it (payment.cancelled), answered 200 with the cancelled payment', async () => {
    const { api, terminal, finalize } = await fresh();
    for (const ac_type of ['aac', 'fault']) {
      const p = await terminal();
      const res = await finalize(p.id, { ...FINAL, ac_type });
      expect(res.status, res.text).toBe(200);
      expect(res.body.status).toBe('cancelled');
      expect(await api.eventTypes(p.id)).toEqual(['payment.authorized', 'payment.cancelled']);
    }
  });

  it('once only: a finalized payment is refused (422), and so is one of another method', async () => {
    const { api, terminal, finalize } = await fresh();
    const p = await terminal();
    expect((await finalize(p.id, FINAL)).status).toBe(200);
    const again = await finalize(p.id, { ...FINAL, ac_type: 'aac' });
    expectError(again, 422, 'unprocessable_entity', 'id');
    expect(again.body.error.message).toContain('captured');
    const card = await api.create({ capture: false });
    const wrong = await finalize(card.id, FINAL);
    expectError(wrong, 422, 'invalid_payment_type', 'id');
    expect((await api.get(`/api/v1/payments/${card.id}`)).body.status).toBe('authorized');
  });

  it('an authorization left unfinalized expires with its deadline, and can no longer be finalized', async () => {
    const { api, terminal, finalize } = await fresh();
    const p = await terminal();
    const seconds = Math.ceil((Date.parse(p.payment_deadline) - Date.now()) / 1000) + 60;
    expect((await api.post('/api/v1/test_helpers/clock/advance', { seconds })).status).toBe(200);
    expect((await api.get(`/api/v1/payments/${p.id}`)).body.status).toBe('expired');
    expectError(await finalize(p.id, FINAL), 422, 'unprocessable_entity', 'id');
  });

  it('validates the body: ac_type, field55 (hex) and track2 required', async () => {
    const { api, terminal, finalize } = await fresh();
    const p = await terminal();
    expectError(await finalize(p.id, { field55: FINAL.field55, track2: TRACK2 }), 422, 'missing_parameter', 'ac_type');
    expectError(await finalize(p.id, { ...FINAL, ac_type: 'arqc' }), 422, 'invalid_parameter', 'ac_type');
    expectError(await finalize(p.id, { ac_type: 'tc', track2: TRACK2 }), 422, 'missing_parameter', 'field55');
    expectError(await finalize(p.id, { ...FINAL, field55: 'not hex' }), 422, 'invalid_parameter', 'field55');
    expectError(await finalize(p.id, { ac_type: 'tc', field55: FINAL.field55 }), 422, 'missing_parameter', 'track2');
    // Nothing was written by the refusals.
    expect((await api.get(`/api/v1/payments/${p.id}`)).body.status).toBe('authorized');
  });

  it('404 for no such payment and for another merchant\'s; secret key only', async () => {
    const { m, terminal, finalize } = await fresh();
    const p = await terminal();
    expectError(await finalize('0123456789abcdefghijklmno', FINAL), 404, 'not_found');
    const other = await fresh();
    expectError(await other.finalize(p.id, FINAL), 404, 'not_found');
    const res = await h.request({ method: 'POST', url: `/api/v1/payments/${p.id}/finalize`, key: m.publishableKey, json: FINAL });
    expectError(res, 403, 'forbidden');
  });

  it('keeps the card number, track 2 and the terminal\'s EMV data out of the database in clear', async () => {
    const { m, terminal, finalize } = await fresh();
    const p = await terminal();
    expect((await finalize(p.id, FINAL)).status).toBe(200);
    const { sql } = await import('kysely');
    const { rows } = await sql<{ text: string }>`
      SELECT row_to_json(p)::text AS text FROM payments p WHERE p.merchant_id = ${m.id}
      UNION ALL SELECT row_to_json(e)::text FROM events e WHERE e.merchant_id = ${m.id}
      UNION ALL SELECT row_to_json(i)::text FROM idempotency_keys i WHERE i.merchant_id = ${m.id}`.execute(h.services.db);
    expect(rows.length).toBeGreaterThan(1);
    for (const { text } of rows) {
      expect(text).not.toContain('4111111111111111');
      expect(text).not.toContain(TRACK2);
      expect(text).not.toContain(TERMINAL.field55);
      expect(text).not.toContain(FINAL.field55);
    }
  });

  it('keeps track 2 and the EMV data out of the log', async () => {
    const { terminal, finalize } = await fresh();
    const p = await terminal();
    await finalize(p.id, { ...FINAL, field55: 'zz' });
    expect(h.logs.join('\n')).not.toContain(TRACK2);
    expect(h.logs.join('\n')).not.toContain('4111111111111111');
  });
});
