import type { Payment } from '../model/payment';
import { timestamp } from './time';

/** The fields of a payment the dashboard's CSV export writes, named as the API names them. */
export const PAYMENT_CSV_COLUMNS = [
  'id',
  'created_at',
  'status',
  'payment_type',
  'currency',
  'amount',
  'tax',
  'payment_method_fee',
  'total',
  'amount_refunded',
  'external_order_num',
  'email',
  'description',
] as const;

export type PaymentCsvRow = Pick<Payment, (typeof PAYMENT_CSV_COLUMNS)[number]>;

/**
 * A list of payments as CSV (RFC 4180: CRLF, every cell quoted), after a UTF-8 byte order mark so
 * that Excel reads Japanese text right. Times are written as the API writes them (ISO 8601, UTC, to the second).
 */
export function paymentsCsv(rows: readonly PaymentCsvRow[]): string {
  const lines = [PAYMENT_CSV_COLUMNS.map(cell), ...rows.map((row) => PAYMENT_CSV_COLUMNS.map((name) => cell(value(row[name]))))];
  return `\uFEFF${lines.map((line) => line.join(',')).join('\r\n')}\r\n`;
}

function value(raw: unknown): string {
  if (raw === null || raw === undefined) return '';
  return raw instanceof Date ? (timestamp(raw) ?? '') : String(raw);
}

/** Quoted; a text a spreadsheet would run as a formula (`=…`, `+…`, `-…`, `@…`) gets a `'` first (OWASP CSV injection). */
function cell(text: string): string {
  const inert = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return `"${inert.replace(/"/g, '""')}"`;
}
