import { Type, type TSchema } from '@sinclair/typebox';
import { CURRENCIES } from '../../kernel/money';
import { DISBURSEMENT_STATUSES, SETTLEMENT_STATUSES, TRANSACTION_KINDS } from '../../model/ledger';

/**
 * The ledger's answers (src/wire/ledger.ts) as KOMOJU's SDK models them, components of
 * ./schemas.ts's COMPONENTS; a file of their own because schemas.ts is at its size limit.
 */

const Timestamp = Type.String({ format: 'date-time', description: 'ISO 8601 in UTC, whole seconds (`2020-06-09T07:41:50Z`).' });
const Id = Type.String({ description: '25 lowercase alphanumerics.' });
const Cents = (description = 'Minor units of the currency.') => Type.Integer({ description });
const literals = (values: readonly string[], description?: string) =>
  Type.Unsafe<string>({ type: 'string', enum: [...values], ...(description ? { description } : {}) });
const Currency = literals(CURRENCIES);
const nullable = <T extends TSchema>(schema: T, description?: string) => Type.Union([schema, Type.Null()], description ? { description } : {});

export const Transaction = Type.Object(
  {
    id: Id,
    type: literals(Object.keys(TRANSACTION_KINDS), 'The kind of line; it says which way the money went (`payment`, `chargeback_reversal`, `disbursement_reversal`… credit; `fee`, `refund`, `disbursement`… debit).'),
    amount_cents: Type.Integer({ minimum: 0, description: 'Never negative.' }),
    happened_at: Timestamp,
  },
  { $id: 'Transaction', description: 'One line of the balance ledger.' },
);

const shared = {
  payments: Type.Object({ captured_amount_total_cents: Cents(), processing_fees_cents: Cents('Fees and their tax.'), total_cents: Cents() }),
  refunds: Type.Object({ refunded_amount_total_cents: Cents(), refund_processing_fees_cents: Cents(), refunded_customer_fees_cents: Cents(), total_cents: Cents() }),
  corrections: Type.Object({ total_cents: Cents('Chargebacks, their reversals and corrections.') }),
  komoju_card_charges: Type.Object({ total_cents: Cents('Always 0 (no KOMOJU card).') }),
  disbursements: Type.Object({ disbursement_amount_total_cents: Cents(), disbursement_fee_total_cents: Cents(), total_cents: Cents() }),
  misc: Type.Object({
    clearings_total_cents: Cents(),
    komoju_card_discount_total_cents: Cents(),
    chargeback_fixed_fee_total_cents: Cents(),
    other_fee_adjustments_total_cents: Cents(),
    total_cents: Cents(),
  }),
};

export const BalanceShow = Type.Object(
  { currency: Currency, total_balance_cents: Cents('The unsettled balance.'), ...shared },
  { $id: 'BalanceShow', description: 'The unsettled balance in one currency, and what makes it up.' },
);

const settlement = {
  id: Id,
  resource: Type.Literal('settlement'),
  reference: Type.String(),
  status: literals(SETTLEMENT_STATUSES),
  merchant_name: Type.String(),
  company_name: nullable(Type.String()),
  cycle: Type.String({ description: 'The month covered, `YYYY-MM` in Japan time.' }),
  transaction_amount_cents: Cents(),
  currency: Currency,
  fee_amount_cents: Cents(),
  fee_tax_amount_cents: Cents(),
  settlement_amount_cents: Cents(),
  fx_currency: Currency,
  fx_conversion_rate: Type.String(),
  fx_conversion_amount_cents: Cents(),
  bank_transfer_fee_amount_cents: Cents(),
  remittance_amount_cents: Cents(),
  cutoff_time: Timestamp,
  created_at: Timestamp,
  download: Type.Object({ csv: nullable(Type.String()), xls: nullable(Type.String()) }),
};

export const Settlement = Type.Object(settlement, { $id: 'Settlement' });
export const SettlementShow = Type.Object({ ...settlement, ...shared }, { $id: 'SettlementShow', description: 'A settlement with its breakdown.' });

export const Disbursement = Type.Object(
  {
    id: Id,
    currency: Currency,
    amount: Type.Integer({ minimum: 0 }),
    fee: Type.Integer({ minimum: 0 }),
    fee_tax: Type.Integer({ minimum: 0 }),
    status: literals(DISBURSEMENT_STATUSES),
    bank_code: Type.String(),
    branch_code: Type.String(),
    account_type: literals(['ordinary', 'checking']),
    account_number: Type.String(),
    account_name_kana: Type.String(),
    error: nullable(Type.String(), 'Why the transfer failed, or null.'),
    external_id: nullable(Type.String(), "The merchant's reference, or null when none was given."),
    created_at: Timestamp,
    last_updated_at: Timestamp,
  },
  { $id: 'Disbursement' },
);

export const DisbursementEventData = Type.Object(
  { resource: Type.Literal('disbursement'), ...Disbursement.properties },
  { $id: 'DisbursementEventData', description: 'The `data` of a `disbursement.*` event (kessai\'s): the disbursement, with `resource: "disbursement"`.' },
);

/** A list envelope with the SDK's resource name. */
function namedList(id: string, resource: string, item: string): TSchema {
  return Type.Object(
    {
      resource: Type.Literal(resource),
      total: Type.Integer(),
      page: Type.Integer(),
      per_page: Type.Integer(),
      last_page: Type.Integer(),
      start_time: nullable(Type.String()),
      end_time: nullable(Type.String()),
      data: Type.Array(Type.Unsafe({ $ref: `${item}#` })),
    },
    { $id: id },
  );
}

export const LEDGER_COMPONENTS: readonly TSchema[] = [
  Transaction,
  namedList('BalanceTransactionList', 'list', 'Transaction'),
  BalanceShow,
  Settlement,
  SettlementShow,
  namedList('SettlementList', 'settlement_list', 'Settlement'),
  Disbursement,
  DisbursementEventData,
  namedList('DisbursementList', 'disbursement_list', 'Disbursement'),
];
