import { PAYMENT_STATUSES, type PaymentSearch, type PaymentStatus } from '../../../domain/dashboard/views';
import { MAX_AMOUNT } from '../../../kernel/money';
import { METHOD_TYPES } from '../../../methods';

/** The payment list's page size. */
export const PER_PAGE = 25;

export type Query = Record<string, string | undefined>;

/** The list's filters from the query string; a value that makes no sense is named in `invalid` and ignored. */
export function parseSearch(query: Query): { search: PaymentSearch; invalid: string[]; params: Query } {
  const invalid: string[] = [];
  const search: PaymentSearch = { page: 1, perPage: PER_PAGE };
  const params: Query = {};
  const value = (name: string) => {
    const raw = query[name];
    return typeof raw === 'string' && raw.trim() !== '' ? raw.trim() : undefined;
  };
  const status = value('status');
  if (status) (PAYMENT_STATUSES as readonly string[]).includes(status) ? (search.status = status as PaymentStatus) : invalid.push('status');
  const method = value('method');
  if (method) METHOD_TYPES.includes(method) ? (search.paymentType = method) : invalid.push('method');
  const amount = value('amount');
  if (amount) /^\d{1,10}$/.test(amount) && Number(amount) <= MAX_AMOUNT ? (search.total = Number(amount)) : invalid.push('amount');
  const order = value('external_order_num');
  if (order) order.length <= 255 ? (search.externalOrderNum = order) : invalid.push('external_order_num');
  const from = value('from');
  if (from) {
    const date = tokyoDate(from);
    date ? (search.from = date) : invalid.push('from');
  }
  const to = value('to');
  if (to) {
    const date = tokyoDate(to);
    date ? (search.until = new Date(date.getTime() + 86_400_000)) : invalid.push('to');
  }
  for (const name of ['status', 'method', 'amount', 'external_order_num', 'from', 'to']) {
    if (value(name) && !invalid.includes(name)) params[name] = value(name);
  }
  const page = value('page');
  if (page && /^\d{1,6}$/.test(page) && Number(page) >= 1) search.page = Number(page);
  return { search, invalid, params };
}

/** `YYYY-MM-DD` → the start of that day in Tokyo, or null. */
function tokyoDate(text: string): Date | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return null;
  const date = new Date(`${text}T00:00:00+09:00`);
  return Number.isNaN(date.getTime()) || new Date(date.getTime() + 9 * 3600_000).toISOString().slice(0, 10) !== text ? null : date;
}
