import type { PaymentMethod } from '../../methods/method';
import type { DashboardLocale } from '../i18n/dashboard';

/**
 * The payment methods as KOMOJU's dashboard groups them, by kind and country, for the settings
 * page's checkboxes (67 in one list are hard to scan). A method's group follows from what it
 * declares — its flow and currencies — so a new method lands in a group without a list to keep.
 */
const GROUPS = {
  cards: { en: 'Cards', ja: 'カード' },
  japanLater: { en: 'Japan · pay later (konbini, bank)', ja: '日本・後払い（コンビニ・銀行）' },
  japanPrepaid: { en: 'Japan · prepaid', ja: '日本・プリペイド' },
  japanWallets: { en: 'Japan · wallets and carrier billing', ja: '日本・ウォレット・キャリア決済' },
  korea: { en: 'Korea', ja: '韓国' },
  china: { en: 'China and Hong Kong', ja: '中国・香港' },
  southeastAsia: { en: 'Southeast Asia', ja: '東南アジア' },
  europe: { en: 'Europe', ja: 'ヨーロッパ' },
  americasOceania: { en: 'Brazil and Oceania', ja: 'ブラジル・オセアニア' },
  worldwide: { en: 'Worldwide', ja: '全世界' },
} as const satisfies Record<string, Record<DashboardLocale, string>>;

type GroupKey = keyof typeof GROUPS;

const SOUTHEAST_ASIA = ['IDR', 'PHP', 'SGD', 'MYR', 'THB'];
const EUROPE = ['EUR', 'PLN', 'GBP', 'CHF'];

function groupOf(method: PaymentMethod): GroupKey {
  if (method.flow === 'card' || method.flow === 'terminal') return 'cards';
  const currencies: readonly string[] = method.currencies === 'all' ? [] : method.currencies;
  if (currencies.length === 0) return 'worldwide';
  if (currencies.includes('CNY') || currencies.includes('HKD')) return 'china';
  if (currencies[0] === 'JPY') return method.flow === 'async' ? 'japanLater' : method.flow === 'immediate' ? 'japanPrepaid' : 'japanWallets';
  if (currencies[0] === 'KRW') return 'korea';
  if (SOUTHEAST_ASIA.includes(currencies[0])) return 'southeastAsia';
  if (currencies.some((currency) => EUROPE.includes(currency))) return 'europe';
  return 'americasOceania';
}

/** The methods in their groups, groups in a fixed order, each method once and in registry order. */
export function methodGroups(methods: readonly PaymentMethod[], locale: DashboardLocale): { key: GroupKey; label: string; methods: PaymentMethod[] }[] {
  return (Object.keys(GROUPS) as GroupKey[])
    .map((key) => ({ key, label: GROUPS[key][locale], methods: methods.filter((method) => groupOf(method) === key) }))
    .filter((group) => group.methods.length > 0);
}
