import { decimalsOf } from '../kernel/money';
import { INTL_LOCALE, type PageLocale } from './i18n';

/**
 * Money and time as the customer reads them.
 *
 *   formatMoney(1100, 'JPY', 'ja');  // '¥1,100' (and in en and ko alike)
 *   formatMoney(1050, 'USD', 'en');  // '$10.50'
 *   formatDeadline(new Date('2020-06-12T14:59:59Z'), 'ja'); // '2020年6月12日 23:59'
 */
export function formatMoney(minorUnits: number, currency: string, locale: PageLocale): string {
  const digits = decimalsOf(currency);
  // One yen sign in every language, as KOMOJU's pages show it: ja's Intl writes the full-width ￥
  // and ko's the ISO-like JP¥ (narrowSymbol settles ko; the replace settles ja).
  return moneyFormat(currency, locale, digits).format(minorUnits / 10 ** digits).replace('\uFFE5', '\u00A5');
}

/**
 * Formatters are built once per locale (and currency): building an Intl formatter costs tens of
 * microseconds, formatting with one a fraction of that, and the customer's e-mails are rendered
 * inside payment creation (domain/mail.ts). Currencies are KOMOJU's few, so the cache stays small.
 */
const moneyFormats = new Map<string, Intl.NumberFormat>();
function moneyFormat(currency: string, locale: PageLocale, digits: number): Intl.NumberFormat {
  const key = `${locale} ${currency}`;
  let format = moneyFormats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(INTL_LOCALE[locale], { style: 'currency', currency, currencyDisplay: 'narrowSymbol', minimumFractionDigits: digits, maximumFractionDigits: digits });
    moneyFormats.set(key, format);
  }
  return format;
}
const deadlineFormats = new Map<PageLocale, Intl.DateTimeFormat>();

/**
 * A deadline in Asia/Tokyo time, whatever the server's or the customer's zone: KOMOJU's deadlines
 * are end of day in Tokyo (23:59), and a store clerk reads them in that time.
 */
export function formatDeadline(date: Date | string, locale: PageLocale): string {
  let format = deadlineFormats.get(locale);
  if (!format) {
    format = new Intl.DateTimeFormat(INTL_LOCALE[locale], {
      timeZone: 'Asia/Tokyo',
      year: 'numeric',
      month: 'long',
      day: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    deadlineFormats.set(locale, format);
  }
  return format.format(new Date(date));
}
