import type { Localized } from '../method';

/**
 * Labels of the checkout fields several methods ask for, so the same field reads the same on
 * every method's form. A field only one method asks for carries its label in that method's file.
 */
export const FIELD_LABELS = {
  /** The customer's name, where it is not a card's printed name. */
  name: { en: 'Name', ja: 'お名前', ko: '이름' },
  email: { en: 'Email', ja: 'メールアドレス', ko: '이메일' },
  phone: { en: 'Phone number', ja: '電話番号', ko: '전화번호' },
  family_name: { en: 'Family name', ja: '姓', ko: '성' },
  given_name: { en: 'Given name', ja: '名', ko: '이름' },
  family_name_kana: { en: 'Family name (katakana)', ja: '姓（カナ）', ko: '성 (가타카나)' },
  given_name_kana: { en: 'Given name (katakana)', ja: '名（カナ）', ko: '이름 (가타카나)' },
  prepaid_number: { en: 'Prepaid card number', ja: 'プリペイド番号', ko: '선불카드 번호' },
} as const satisfies Record<string, Localized>;
