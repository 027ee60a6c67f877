import { en, type Messages } from './en';
import { ja } from './ja';
import { ko } from './ko';

export type { Messages } from './en';

/** The languages of the customer's pages, as KOMOJU's `locale` names them. */
export const LOCALES = ['ja', 'en', 'ko'] as const;
export type PageLocale = (typeof LOCALES)[number];

const MESSAGES: Record<PageLocale, Messages> = { ja, en, ko };

/** BCP 47 tags for Intl (number and date formats). */
export const INTL_LOCALE: Record<PageLocale, string> = { ja: 'ja-JP', en: 'en-US', ko: 'ko-KR' };

export function isLocale(value: unknown): value is PageLocale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

export function messages(locale: PageLocale): Messages {
  return MESSAGES[locale];
}

/** A string from one of the keyed tables (status, fields, stores …); the key itself when unknown. */
export function lookup(table: object, key: string): string {
  return Object.hasOwn(table, key) ? String((table as Record<string, unknown>)[key]) : key;
}

/**
 * The customer's language when the URL names none: the first of `Accept-Language` we speak, else
 * `fallback`.
 *
 *   preferredLocale('en-GB,en;q=0.9,ja;q=0.8', 'ja'); // 'en'
 */
export function preferredLocale(acceptLanguage: string | undefined, fallback: PageLocale): PageLocale {
  for (const part of (acceptLanguage ?? '').split(',')) {
    const primary = part.trim().split(/[-;]/)[0].toLowerCase();
    if (isLocale(primary)) return primary;
  }
  return fallback;
}
