/**
 * Processing fees, as KOMOJU charges them: per payment, a percentage of the captured total plus a
 * fixed fee, each rounded to the nearest minor unit, then 10 % Japanese consumption tax on the fee
 * (KOMOJU's help centre: "JPY5,000 x 2.75% Konbini settlement fee = JPY138; JPY138 x 10% = JPY14").
 * The rates below are each merchant's defaults; `kessai merchants fees` sets a merchant's own.
 *
 * Sources (docs/compatibility.md, "Settlements, balances and disbursements"): konbini 2.75 % and
 * the 10 % tax are KOMOJU's published worked example; the other rates are estimates of KOMOJU's
 * published price list (its Terms of Use table is a PDF not stored here) and are marked `guessed`.
 *
 * The same numbers are the rows of the `fee_defaults` table (migration 0020), which the ledger's
 * trigger reads; test/domain/ledger.test.ts checks the two agree.
 */
export interface DefaultFee {
  rate_bp: number;
  fixed_fee: number;
  guessed: boolean;
}

const fee = (percent: number, guessed = true): DefaultFee => ({ rate_bp: Math.round(percent * 100), fixed_fee: 0, guessed });

export const DEFAULT_FEES: Readonly<Record<string, DefaultFee>> = {
  credit_card: fee(3.6),
  konbini: fee(2.75, false),
  cvs: fee(2.75),
  bank_transfer: fee(1.5),
  pay_easy: fee(2.75),
  paypay: fee(3.45),
  line_pay: fee(3.45),
  merpay: fee(3.5),
  paidy: fee(3.5),
  japan_mobile: fee(6.0),
  mobile: fee(6.0),
  web_money: fee(5.0),
  bit_cash: fee(5.0),
  net_cash: fee(5.0),
  nanaco: fee(5.0),
  culture_voucher: fee(5.0),
  happy_money: fee(5.0),
  dospara: fee(5.0),
  steam_prepaid_card: fee(5.0),
  paysafe_card: fee(5.0),
  paysafe_cash: fee(5.0),
  toss: fee(3.6),
  zgold: fee(5.0),
  nexus_transfer: fee(1.5),
};

/** A payment method without a row (one added later): the card rate. */
export const FALLBACK_FEE: DefaultFee = fee(3.6);

/** Consumption tax on fees, in hundredths of a percent (10 %). */
export const FEE_TAX_BP = 1000;

/** Half away from zero, as PostgreSQL's round(numeric) does. */
function roundHalfUp(value: number): number {
  return Math.sign(value) * Math.round(Math.abs(value));
}

/**
 * The fee and its tax on `captured` minor units, never more than was captured. The ledger's
 * trigger computes the same in SQL (migration 0020, kessai_fee).
 *
 *   processingFee(5000, { rate_bp: 275, fixed_fee: 0 }); // { fee: 138, tax: 14 }
 */
export function processingFee(captured: number, rate: { rate_bp: number; fixed_fee: number }): { fee: number; tax: number } {
  const fee = Math.min(captured, roundHalfUp((captured * rate.rate_bp) / 10000) + rate.fixed_fee);
  const tax = Math.min(captured - fee, roundHalfUp((fee * FEE_TAX_BP) / 10000));
  return { fee, tax };
}

/**
 * KOMOJU's bank transfer fee for paying out `amount`: to a Japanese account 220 JPY under 30,000
 * JPY, else 410 JPY; to an overseas account 25.00 USD or EUR. Other currencies: none (kessai's
 * choice, docs/compatibility.md).
 */
export function bankTransferFee(currency: string, amount: number): number {
  if (currency === 'JPY') return amount < 30000 ? 220 : 410;
  if (currency === 'USD' || currency === 'EUR') return 2500;
  return 0;
}
