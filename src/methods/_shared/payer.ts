import { Type } from '@sinclair/typebox';
import { ApiError, invalid, missing } from '../../kernel/errors';

/**
 * The customer fields Japanese cash methods ask for (bank transfer, PayEasy, konbini): names,
 * katakana names, phone and e-mail. Schema pieces for a method's `detailsSchema`, and the checks
 * a schema cannot express. Shared so every cash method accepts and refuses the same inputs.
 */

const text = Type.Optional(Type.String({ maxLength: 255 }));

/** Optional in the schema: which of them are required is the method's decision (see requirePayer). */
export const PAYER_FIELDS = {
  email: Type.Optional(Type.String({ format: 'email', maxLength: 255 })),
  name: text,
  given_name: text,
  family_name: text,
  given_name_kana: text,
  family_name_kana: text,
  phone: Type.Optional(Type.String({ maxLength: 32 })),
};

/**
 * Full-width katakana (ァ–ヺ), the prolonged sound mark ー, the middle dot ・ and spaces (ASCII or
 * ideographic) between words. Hiragana, kanji, Latin letters and half-width katakana (ｱｲｳ) are
 * refused: banks print the remitter's name in full-width katakana.
 *
 *   isKatakana('ヤマダ タロウ'); // true
 *   isKatakana('やまだ');        // false
 */
export function isKatakana(value: string): boolean {
  return /^[\u30A1-\u30FA\u30FB\u30FC \u3000]+$/.test(value) && /[\u30A1-\u30FA]/.test(value);
}

/**
 * A phone number as Japanese forms take it: digits, optionally grouped by hyphens or spaces, with
 * an optional leading + (international form). 10–15 digits: 03-1234-5678 has 10, 090-1111-2222
 * has 11, +81 90 1111 2222 has 12.
 */
export function isPhone(value: string): boolean {
  if (!/^\+?[0-9][0-9 -]*[0-9]$/.test(value)) return false;
  const digits = value.replace(/\D/g, '').length;
  return digits >= 10 && digits <= 15;
}

export interface PayerRules {
  /** given_name + family_name, or `name` in their place. */
  names: boolean;
  kana: boolean;
  phone: boolean;
  email: boolean;
}

/**
 * Checks the payer fields of `details` (already schema-checked, with the top-level `email` merged
 * in) and answers them normalised: trimmed, `name` filled from the given and family names (family
 * first, as Japanese names are written) when absent. Throws missing_parameter / invalid_parameter
 * naming `payment_details.<field>`. Fields that are present are always checked, required or not.
 */
export function requirePayer(details: Record<string, unknown>, rules: PayerRules): Record<string, unknown> {
  const value = (field: string): string | undefined => {
    const raw = details[field];
    if (typeof raw !== 'string') return undefined;
    const trimmed = raw.trim();
    return trimmed === '' ? undefined : trimmed;
  };
  const out: Record<string, unknown> = { ...details };
  for (const field of Object.keys(PAYER_FIELDS)) out[field] = value(field);

  if (rules.names && out.name === undefined) {
    for (const field of ['given_name', 'family_name']) if (out[field] === undefined) throw missing(`payment_details.${field}`);
  }
  for (const field of ['given_name_kana', 'family_name_kana']) {
    const kana = out[field] as string | undefined;
    if (kana === undefined) {
      if (rules.kana) throw missing(`payment_details.${field}`);
    } else if (!isKatakana(kana)) {
      throw invalid(`payment_details.${field}`, `The value of payment_details.${field} must be written in full-width katakana`);
    }
  }
  const phone = out.phone as string | undefined;
  if (phone === undefined) {
    if (rules.phone) throw missing('payment_details.phone');
  } else if (!isPhone(phone)) {
    throw invalid('payment_details.phone', 'The value of payment_details.phone must be a phone number such as 080-1111-2222');
  }
  if (rules.email && out.email === undefined) throw missing('payment_details.email');
  out.name ??= [out.family_name, out.given_name].filter(Boolean).join(' ') || undefined;
  return out;
}

/** The error for a value outside a method's list (store slugs …), naming the allowed values. */
export function notOneOf(param: string, provided: string, allowed: readonly string[]): ApiError {
  return new ApiError('invalid_parameter', { param, message: `The value of ${param} is invalid: ${provided} is not one of ${allowed.join(', ')}` });
}
