import { fileURLToPath } from 'node:url';
import type { BalanceTransaction, Disbursement, Settlement } from '../model/ledger';
import { serializeSettlementShow, type SettlementContext } from './ledger';

/**
 * A settlement's files, generated here: CSV and XLSX with exceljs, PDF with pdfkit (both loaded on
 * the first file asked for, not at start). Each lists the settlement's balance transactions with
 * their signed amounts, which add up to `settlement_amount_cents`; the XLSX and the PDF add the
 * summary (the fields of GET /settlements/:id). The disbursement report is a CSV of the same kind.
 */

export const TRANSACTION_COLUMNS = ['transaction_id', 'happened_at', 'type', 'amount', 'currency', 'payment_id', 'refund_id', 'resource_id'] as const;

function transactionRow(line: BalanceTransaction): (string | number)[] {
  return [line.id, line.happened_at.toISOString(), line.type, line.amount, line.currency, line.payment_id ?? '', line.refund_id ?? '', line.resource_id ?? ''];
}

/** The summary as (field, value) rows: nested parts flattened with dots (`payments.total_cents`). */
export function summaryRows(settlement: Settlement, context: SettlementContext): [string, string | number][] {
  const rows: [string, string | number][] = [];
  const walk = (prefix: string, value: unknown) => {
    if (value !== null && typeof value === 'object') {
      for (const [key, inner] of Object.entries(value)) walk(prefix ? `${prefix}.${key}` : key, inner);
    } else {
      rows.push([prefix, value === null ? '' : (value as string | number)]);
    }
  };
  walk('', serializeSettlementShow(settlement, context));
  return rows;
}

async function workbook() {
  const { default: ExcelJS } = await import('exceljs');
  return new ExcelJS.Workbook();
}

/** A text cell a spreadsheet would run as a formula (`=…`, `+…`, `-…`, `@…`) is quoted with `'` (OWASP CSV injection). */
function inert(cell: string | number): string | number {
  return typeof cell === 'string' && /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell;
}

async function csvOf(header: readonly string[], rows: (string | number)[][]): Promise<Buffer> {
  const book = await workbook();
  const sheet = book.addWorksheet('data');
  sheet.addRow([...header]);
  for (const row of rows) sheet.addRow(row.map(inert));
  return Buffer.from(await book.csv.writeBuffer());
}

/** GET /settlements/:id/csv: one row per balance transaction. */
export async function settlementCsv(lines: readonly BalanceTransaction[]): Promise<Buffer> {
  return csvOf(TRANSACTION_COLUMNS, lines.map(transactionRow));
}

/** GET /settlements/:id/xls: sheets `Summary` and `Transactions` (an XLSX workbook). */
export async function settlementXlsx(settlement: Settlement, lines: readonly BalanceTransaction[], context: SettlementContext): Promise<Buffer> {
  const book = await workbook();
  book.creator = 'kessai';
  book.created = settlement.created_at;
  const summary = book.addWorksheet('Summary');
  summary.addRow(['field', 'value']);
  for (const row of summaryRows(settlement, context)) summary.addRow(row);
  summary.getColumn(1).width = 40;
  const transactions = book.addWorksheet('Transactions');
  transactions.addRow([...TRANSACTION_COLUMNS]);
  for (const line of lines) transactions.addRow(transactionRow(line));
  return Buffer.from(await book.xlsx.writeBuffer());
}

/** GET /settlements/:id/pdf: the statement, summary then transactions, on A4 pages. */
export async function settlementPdf(settlement: Settlement, lines: readonly BalanceTransaction[], context: SettlementContext): Promise<Buffer> {
  const { default: PDFDocument } = await import('pdfkit');
  const doc = new PDFDocument({ size: 'A4', margin: 48, info: { Title: `Settlement ${settlement.reference}`, Author: 'kessai', CreationDate: settlement.created_at } });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  // Merchant names and descriptions are often Japanese, which pdfkit's standard fonts cannot show.
  doc.font(japaneseFont());
  doc.fontSize(18).text(`Settlement ${settlement.reference}`);
  doc.fontSize(10).moveDown(0.5);
  for (const [field, value] of summaryRows(settlement, context)) doc.text(`${field}: ${value}`);
  doc.moveDown().fontSize(12).text('Transactions').fontSize(8);
  for (const line of lines) doc.text(transactionRow(line).filter((cell) => cell !== '').join('   '));
  doc.end();
  return done;
}

export const DISBURSEMENT_COLUMNS = [
  'id', 'external_id', 'status', 'currency', 'amount', 'fee', 'fee_tax', 'bank_code', 'branch_code', 'account_type', 'account_number',
  'account_name_kana', 'error', 'created_at', 'last_updated_at',
] as const;

/** GET /disbursements/report: one row per disbursement. */
export async function disbursementCsv(disbursements: readonly Disbursement[]): Promise<Buffer> {
  return csvOf(
    DISBURSEMENT_COLUMNS,
    disbursements.map((d) => [
      d.id, d.external_id ?? '', d.status, d.currency, d.amount, d.fee, d.fee_tax, d.bank_code, d.branch_code, d.account_type, d.account_number,
      d.account_name_kana, d.error ?? '', d.created_at.toISOString(), d.last_updated_at.toISOString(),
    ]),
  );
}

/**
 * Noto Sans JP Regular (SIL OFL 1.1, fonts/OFL.txt), cut down to ASCII, JIS X 0208 and half-width
 * katakana and renamed Kessai Sans JP (the OFL reserves its name for the unmodified font) by
 * scripts/subset-font.sh: 2 MB, not the 27 MB package of every weight; it covers
 * Latin as well as kana and kanji, and pdfkit embeds only the glyphs a document uses.
 */
function japaneseFont(): string {
  return fileURLToPath(new URL('./fonts/kessai-sans-jp-regular.otf', import.meta.url));
}
