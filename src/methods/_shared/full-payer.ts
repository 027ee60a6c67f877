import type { CheckoutField } from '../method';
import { FIELD_LABELS } from './labels';

/**
 * What bank transfer and PayEasy ask of the customer: the name in kanji and in katakana (banks
 * print the remitter's name in katakana), e-mail and phone. Shared so both pages ask alike.
 */
export const FULL_PAYER_CHECKOUT_FIELDS: readonly CheckoutField[] = [
  { name: 'family_name', label: FIELD_LABELS.family_name, kind: 'text', required: true, autocomplete: 'family-name' },
  { name: 'given_name', label: FIELD_LABELS.given_name, kind: 'text', required: true, autocomplete: 'given-name' },
  { name: 'family_name_kana', label: FIELD_LABELS.family_name_kana, kind: 'text', required: true },
  { name: 'given_name_kana', label: FIELD_LABELS.given_name_kana, kind: 'text', required: true },
  { name: 'email', label: FIELD_LABELS.email, kind: 'email', required: true, autocomplete: 'email' },
  { name: 'phone', label: FIELD_LABELS.phone, kind: 'tel', required: true, autocomplete: 'tel' },
];

/** A payer that passes those checks, for the methods' test scenarios. */
export const TEST_FULL_PAYER = { family_name: '山田', given_name: '太郎', family_name_kana: 'ヤマダ', given_name_kana: 'タロウ', phone: '080-1111-2222' };
