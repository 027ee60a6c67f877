import { creditCard } from './credit_card';
import { creditCardTerminal } from './credit_card_terminal';
import { bankTransfer } from './bank_transfer';
import { konbini } from './konbini';
import { cvs } from './cvs';
import { payEasy } from './pay_easy';
import { webMoney } from './web_money';
import { netCash } from './net_cash';
import { bitCash } from './bit_cash';
import { nanaco } from './nanaco';
import { steamPrepaidCard } from './steam_prepaid_card';
import { cultureVoucher } from './culture_voucher';
import { happyMoney } from './happy_money';
import { dospara } from './dospara';
import { japanMobile } from './japan_mobile';
import { linePay } from './line_pay';
import { merpay } from './merpay';
import { paidy } from './paidy';
import { paypay } from './paypay';
import { mobile } from './mobile';
import { toss } from './toss';
import { paysafeCard } from './paysafe_card';
import { paysafeCash } from './paysafe_cash';
import { zgold } from './zgold';
import { nexusTransfer } from './nexus_transfer';
import { OFFSITE_TABLE_METHODS } from './_shared/offsite_table';
import type { PaymentMethod } from './method';

/** The registry: one line per method module. A test checks it against the files in this folder. */
export const METHODS: readonly PaymentMethod[] = [
  creditCard,
  konbini,
  bankTransfer,
  payEasy,
  cvs,
  webMoney,
  netCash,
  bitCash,
  nanaco,
  steamPrepaidCard,
  cultureVoucher,
  happyMoney,
  dospara,
  japanMobile,
  linePay,
  merpay,
  paidy,
  paypay,
  mobile,
  toss,
  paysafeCard,
  paysafeCash,
  zgold,
  nexusTransfer,
  creditCardTerminal,
  ...OFFSITE_TABLE_METHODS,
];

const BY_TYPE = new Map(METHODS.map((method) => [method.type, method]));

export function methodFor(type: string): PaymentMethod | undefined {
  return BY_TYPE.get(type);
}

export const METHOD_TYPES: readonly string[] = METHODS.map((method) => method.type);

/** The types whose modules answer yes, in registry order: how the core asks "which methods …" without naming one. */
function typesWhere(question: (method: PaymentMethod) => boolean | undefined): readonly string[] {
  return METHODS.filter(question).map((method) => method.type);
}

/** What customer-mode sessions may offer (`customerMode`). */
export const CUSTOMER_MODE_TYPES = typesWhere((method) => method.customerMode);

/** What one-click saves and pays with (`oneClick`). */
export const ONE_CLICK_TYPES = typesWhere((method) => method.oneClick);

/** What 3-D Secure authenticates: the card-flow methods. */
export const CARD_FLOW_TYPES = typesWhere((method) => method.flow === 'card');

/** What POST /payments/:id/finalize finalizes: the card-present (terminal) methods. */
export const TERMINAL_FLOW_TYPES = typesWhere((method) => method.flow === 'terminal');

/** Whose payments may have a barcode (`barcodes`): GET /barcodes/:payment_id. */
export const BARCODE_TYPES = typesWhere((method) => method.barcodes);

export type { PaymentMethod } from './method';
