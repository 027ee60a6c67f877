import { decimalsOf } from '../kernel/money';
import { INTL_LOCALE, type PageLocale } from './i18n';

/**
 * Money and time as the customer reads them.
 *
 *   formatMoney(1100, 'JPY', 'ja');  // '￥1,100'
 *   formatMoney(1050, 'USD', 'en');  // '$10.50'
 *   formatDeadline(new Date('2020-06-12T14:59:59Z'), 'ja'); // '2020年6月12日 23:59'
 */
export function formatMoney(minorUnits: number, currency: string, locale: PageLocale): string {
  const digits = decimalsOf(currency);
  return new Intl.NumberFormat(INTL_LOCALE[locale], {
    style: 'currency',
    currency,
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(minorUnits / 10 ** digits);
}

/**
 * A deadline in Asia/Tokyo time, whatever the server's or the customer's zone: KOMOJU's deadlines
 * are end of day in Tokyo (23:59), and a store clerk reads them in that time.
 */
export function formatDeadline(date: Date | string, locale: PageLocale): string {
  return new Intl.DateTimeFormat(INTL_LOCALE[locale], {
    timeZone: 'Asia/Tokyo',
    year: 'numeric',
    month: 'long',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(new Date(date));
}
