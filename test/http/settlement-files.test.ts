import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness, type TestMerchant } from '../helpers/harness';
import { expectError, paymentApi } from '../helpers/payment-api';
import { cutoffOf, cycleOf } from '../../src/domain/settlements';
import * as settlementsRepo from '../../src/store/settlements.repo';
import { settlementPdf } from '../../src/wire/settlement-files';

/** A settlement's CSV, XLSX and PDF, parsed back: their lines add up to the settlement. */

let h: Harness;
let m: TestMerchant;
let settlement: any;
beforeAll(async () => {
  h = await startHarness();
  m = await h.merchant();
  const api = paymentApi(h, m.secretKey);
  const paid = await api.create({ amount: 20000, tax: 0 });
  await api.create({ amount: 12345, tax: 0 });
  await api.post(`/api/v1/payments/${paid.id}/refund`, { amount: 2000 });
  const clock = await api.get('/api/v1/test_helpers/clock');
  const cutoff = cutoffOf(cycleOf(new Date(clock.body.now)));
  await api.post('/api/v1/test_helpers/clock/advance', { seconds: Math.ceil((cutoff.getTime() - Date.parse(clock.body.now)) / 1000) + 60 });
  [settlement] = (await api.get('/api/v1/settlements')).body.data;
});
afterAll(() => h.close());

async function download(format: string, key = m.secretKey) {
  const res = await h.app.inject({ method: 'GET', url: `/api/v1/settlements/${settlement.id}/${format}`, headers: { authorization: `Basic ${Buffer.from(`${key}:`).toString('base64')}` } });
  return res;
}

/** A PDF's text, page by page, as pdf.js reads it. */
async function pdfText(pdf: Buffer): Promise<string> {
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const fonts = `${dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json'))}/standard_fonts/`;
  const doc = await pdfjs.getDocument({ data: new Uint8Array(pdf), standardFontDataUrl: fonts }).promise;
  let text = '';
  for (let i = 1; i <= doc.numPages; i++) {
    const content = await (await doc.getPage(i)).getTextContent();
    text += content.items.map((item) => ('str' in item ? item.str : '')).join(' ');
  }
  return text;
}

describe('settlement files', () => {
  it('CSV: one row per balance transaction, summing to the settlement amount', async () => {
    const res = await download('csv');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe(`attachment; filename="settlement-${settlement.reference}.csv"`);
    const book = new ExcelJS.Workbook();
    const sheet = await book.csv.read((await import('node:stream')).Readable.from([res.rawPayload]));
    const rows = sheet.getSheetValues().filter(Boolean).map((row) => (row as unknown[]).slice(1));
    expect(rows[0]).toEqual(['transaction_id', 'happened_at', 'type', 'amount', 'currency', 'payment_id', 'refund_id', 'resource_id']);
    const lines = rows.slice(1);
    expect(lines.map((row) => row[2]).sort()).toEqual(['fee', 'fee', 'fee_tax', 'fee_tax', 'payment', 'payment', 'refund']);
    expect(lines.reduce((sum, row) => sum + Number(row[3]), 0)).toBe(settlement.settlement_amount_cents);
  });

  it('XLSX: a Summary sheet with the settlement and a Transactions sheet', async () => {
    const res = await download('xls');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const summary = new Map<string, unknown>();
    book.getWorksheet('Summary')!.eachRow((row) => summary.set(String(row.getCell(1).value), row.getCell(2).value));
    expect(summary.get('id')).toBe(settlement.id);
    expect(summary.get('settlement_amount_cents')).toBe(settlement.settlement_amount_cents);
    expect(summary.get('payments.captured_amount_total_cents')).toBe(32345);
    expect(summary.get('refunds.refunded_amount_total_cents')).toBe(2000);
    const amounts: number[] = [];
    book.getWorksheet('Transactions')!.eachRow((row, n) => n > 1 && amounts.push(Number(row.getCell(4).value)));
    expect(amounts).toHaveLength(7);
    expect(amounts.reduce((a, b) => a + b, 0)).toBe(settlement.settlement_amount_cents);
  });

  it('PDF: a document with the settlement in its text', async () => {
    const res = await download('pdf');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    const text = await pdfText(res.rawPayload);
    expect(text).toContain(`Settlement ${settlement.reference}`);
    expect(text).toContain(`settlement_amount_cents: ${settlement.settlement_amount_cents}`);
    expect(text).toContain('remittance_amount_cents');
  });

  it('PDF: Japanese text (a merchant name, a description) is embedded in a Japanese font and reads back', async () => {
    const stored = await settlementsRepo.findSettlement(h.services.db, m.id, settlement.id);
    const name = '株式会社テスト商店（ｶﾌﾞｼｷｶﾞｲｼｬ）';
    const pdf = await settlementPdf(stored!, [], { merchantName: name, publicUrl: 'http://kessai.test' });
    expect(await pdfText(pdf)).toContain(name);
  });

  it("another merchant's settlement files are 404 in the envelope", async () => {
    const other = await h.merchant();
    for (const format of ['csv', 'pdf', 'xls']) {
      const res = await download(format, other.secretKey);
      expect(res.statusCode).toBe(404);
      expect(JSON.parse(res.body).error.code).toBe('not_found');
    }
    expectError(await paymentApi(h, m.secretKey).get('/api/v1/settlements/nope/csv'), 404, 'not_found');
  });
});
