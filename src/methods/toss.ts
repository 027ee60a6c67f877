import { Type } from '@sinclair/typebox';
import { invalid } from '../kernel/errors';
import { offsiteMethod } from './_shared/offsite';

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** YYMMDD naming a real day (29 February only in a year divisible by four: 00 is 2000). */
export function validBirthday(value: string): boolean {
  const match = /^(\d\d)(\d\d)(\d\d)$/.exec(value);
  if (!match) return false;
  const [year, month, day] = match.slice(1).map(Number);
  if (month < 1 || month > 12 || day < 1 || day > DAYS_IN_MONTH[month - 1]) return false;
  return !(month === 2 && day === 29 && year % 4 !== 0);
}

/**
 * Toss (토스페이): Korean wallet. The seed shows only a token example, `birthday` (YYMMDD) and
 * nothing else; the digest's inference column says KRW and offsite/QR, followed here. The SDK's
 * response fields `toss_pay_token` / `qr_code` come from Toss's own API and are not simulated.
 *
 * The birthday identifies the customer to Toss: it is kept encrypted (secretDetails) and never
 * echoed — the seed's token response drops it too (`{"type": "toss"}`).
 */
export const toss = offsiteMethod({
  type: 'toss',
  names: { en: 'Toss', ja: 'Toss', ko: '토스페이' },
  currencies: ['KRW'],
  fields: { birthday: Type.String({ pattern: '^[0-9]{6}$' }) },
  checkoutFields: [{ name: 'birthday', label: { en: 'Date of birth (YYMMDD)', ja: '生年月日（YYMMDD）', ko: '생년월일 (YYMMDD)' }, kind: 'text', required: true, autocomplete: 'bday' }],
  testScenarios: [{ input: { birthday: '900101' }, outcome: 'authorized', note: 'any real YYMMDD date: authorized with a redirect_url' }],
  prepare(details) {
    if (!validBirthday(details.birthday as string)) throw invalid('payment_details.birthday', 'birthday must be a date written YYMMDD');
    return details;
  },
  secretDetails: (details) => ({ birthday: details.birthday }),
});
