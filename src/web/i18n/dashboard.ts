import { en, type DashboardMessages } from './dashboard.en';
import { ja } from './dashboard.ja';

/**
 * Strings of the merchant dashboard (`/dashboard`), English and Japanese, one file per language.
 * `ja` has the shape of `en` (the `DashboardMessages` type), so a missing string fails the type check.
 */
export type { DashboardMessages } from './dashboard.en';

export const DASHBOARD_LOCALES = ['ja', 'en'] as const;
export type DashboardLocale = (typeof DASHBOARD_LOCALES)[number];

export function isDashboardLocale(value: unknown): value is DashboardLocale {
  return value === 'ja' || value === 'en';
}

export function dashboardMessages(locale: DashboardLocale): DashboardMessages {
  return locale === 'ja' ? ja : en;
}
