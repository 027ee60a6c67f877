import { sql, type Kysely } from 'kysely';

/**
 * The merchant's ledger (src/domain/ledger.ts): processing fees, balance transactions, the
 * settlements computed from them and the disbursements paid from them.
 *
 * A captured payment and a refund write their balance transactions in the statement that records
 * them, by trigger: the payment create stays one INSERT (payments.repo's insertPaymentWithEvent),
 * a capture or refund adds no round trip, and no path that captures (API, hosted page, test
 * helpers, dashboard, seeding) can forget them. The ids are derived from what they record
 * (kessai_ledger_id), so they are stable and repeat for seeded merchants.
 *
 * The fee rules are those of src/kernel/fees.ts (processingFee): percentage rounded half up plus
 * a fixed fee, never more than the payment, then 10 % tax on the fee. fee_defaults holds
 * kernel/fees.ts's DEFAULT_FEES as they stood at this migration; a later change of the defaults
 * is a migration of its own.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await createFees(db);
  await createBalanceTransactions(db);
  await createTriggers(db);
  await createSettlements(db);
  await createDisbursements(db);
}

async function createFees(db: Kysely<any>): Promise<void> {
  await sql`CREATE TABLE fee_defaults (
    payment_type text PRIMARY KEY,
    rate_bp integer NOT NULL CHECK (rate_bp BETWEEN 0 AND 10000),
    fixed_fee bigint NOT NULL DEFAULT 0 CHECK (fixed_fee >= 0)
  )`.execute(db);
  await sql`INSERT INTO fee_defaults (payment_type, rate_bp) VALUES
    ('credit_card', 360), ('konbini', 275), ('cvs', 275), ('bank_transfer', 150), ('pay_easy', 275),
    ('paypay', 345), ('line_pay', 345), ('merpay', 350), ('paidy', 350), ('japan_mobile', 600), ('mobile', 600),
    ('web_money', 500), ('bit_cash', 500), ('net_cash', 500), ('nanaco', 500), ('culture_voucher', 500),
    ('happy_money', 500), ('dospara', 500), ('steam_prepaid_card', 500), ('paysafe_card', 500), ('paysafe_cash', 500),
    ('toss', 360), ('zgold', 500), ('nexus_transfer', 150)`.execute(db);
  await sql`CREATE TABLE merchant_fees (
    merchant_id text NOT NULL REFERENCES merchants (id),
    payment_type text NOT NULL,
    rate_bp integer NOT NULL CHECK (rate_bp BETWEEN 0 AND 10000),
    fixed_fee bigint NOT NULL CHECK (fixed_fee >= 0),
    PRIMARY KEY (merchant_id, payment_type)
  )`.execute(db);
}

async function createBalanceTransactions(db: Kysely<any>): Promise<void> {
  await sql`CREATE TABLE balance_transactions (
    id text PRIMARY KEY,
    merchant_id text NOT NULL REFERENCES merchants (id),
    currency text NOT NULL,
    type text NOT NULL CHECK (type IN ('payment', 'fee', 'fee_tax', 'refund', 'refund_fee', 'chargeback', 'chargeback_reversal',
      'chargeback_fee', 'correction', 'disbursement', 'disbursement_fee', 'disbursement_reversal', 'disbursement_fee_reversal')),
    amount bigint NOT NULL,
    payment_id text,
    refund_id text,
    resource_id text,
    settlement_id text,
    happened_at timestamptz NOT NULL,
    seq bigserial NOT NULL
  )`.execute(db);
  await sql`CREATE INDEX balance_transactions_merchant ON balance_transactions (merchant_id, currency, happened_at DESC, seq DESC)`.execute(db);
  // What settlements and balances read: the unsettled lines, few once settled.
  await sql`CREATE INDEX balance_transactions_unsettled ON balance_transactions (merchant_id, currency, happened_at) WHERE settlement_id IS NULL`.execute(db);
  await sql`CREATE INDEX balance_transactions_settlement ON balance_transactions (settlement_id) WHERE settlement_id IS NOT NULL`.execute(db);
}

async function createTriggers(db: Kysely<any>): Promise<void> {
  await sql`CREATE FUNCTION kessai_ledger_id(source text, kind text) RETURNS text LANGUAGE sql IMMUTABLE AS
    $$ SELECT substr(md5(source || ':' || kind), 1, 25) $$`.execute(db);
  await sql`CREATE FUNCTION kessai_ledger_capture() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      -- total is amount + tax + payment_method_fee of what was captured (a partial capture lowers amount).
      captured bigint := NEW.total;
      rate integer;
      fixed bigint;
      fee bigint;
      tax bigint;
    BEGIN
      SELECT r.rate_bp, r.fixed_fee INTO rate, fixed FROM (
        SELECT m.rate_bp, m.fixed_fee, 0 AS rank FROM merchant_fees m WHERE m.merchant_id = NEW.merchant_id AND m.payment_type = NEW.payment_type
        UNION ALL SELECT d.rate_bp, d.fixed_fee, 1 FROM fee_defaults d WHERE d.payment_type = NEW.payment_type
        UNION ALL SELECT 360, 0, 2
      ) r ORDER BY r.rank LIMIT 1;
      fee := LEAST(captured, round(captured * rate / 10000.0) + fixed);
      tax := LEAST(captured - fee, round(fee * 1000 / 10000.0));
      INSERT INTO balance_transactions (id, merchant_id, currency, type, amount, payment_id, happened_at)
      SELECT kessai_ledger_id(NEW.id, line.type), NEW.merchant_id, NEW.currency, line.type, line.amount, NEW.id, NEW.captured_at
      FROM (VALUES ('payment', captured), ('fee', -fee), ('fee_tax', -tax)) AS line (type, amount)
      WHERE line.type = 'payment' OR line.amount <> 0;
      RETURN NULL;
    END $$`.execute(db);
  await sql`CREATE TRIGGER payments_ledger_insert AFTER INSERT ON payments FOR EACH ROW
    WHEN (NEW.captured_at IS NOT NULL) EXECUTE FUNCTION kessai_ledger_capture()`.execute(db);
  await sql`CREATE TRIGGER payments_ledger_capture AFTER UPDATE OF captured_at ON payments FOR EACH ROW
    WHEN (OLD.captured_at IS NULL AND NEW.captured_at IS NOT NULL) EXECUTE FUNCTION kessai_ledger_capture()`.execute(db);
  await sql`CREATE FUNCTION kessai_ledger_refund() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO balance_transactions (id, merchant_id, currency, type, amount, payment_id, refund_id, happened_at)
      VALUES (kessai_ledger_id(NEW.id, 'refund'), NEW.merchant_id, NEW.currency, 'refund', -NEW.amount, NEW.payment_id, NEW.id, NEW.created_at);
      RETURN NULL;
    END $$`.execute(db);
  await sql`CREATE TRIGGER refunds_ledger AFTER INSERT ON refunds FOR EACH ROW EXECUTE FUNCTION kessai_ledger_refund()`.execute(db);
}

async function createSettlements(db: Kysely<any>): Promise<void> {
  await sql`CREATE TABLE settlements (
    id text PRIMARY KEY,
    merchant_id text NOT NULL REFERENCES merchants (id),
    reference text NOT NULL,
    status text NOT NULL CHECK (status IN ('pending', 'paid', 'cancelled', 'bounced', 'suspended')),
    currency text NOT NULL,
    cycle text NOT NULL,
    cutoff_time timestamptz NOT NULL,
    payout_at timestamptz NOT NULL,
    transaction_amount bigint NOT NULL,
    fee_amount bigint NOT NULL,
    fee_tax_amount bigint NOT NULL,
    settlement_amount bigint NOT NULL,
    bank_transfer_fee_amount bigint NOT NULL,
    remittance_amount bigint NOT NULL,
    breakdown jsonb NOT NULL,
    created_at timestamptz NOT NULL,
    seq bigserial NOT NULL,
    UNIQUE (merchant_id, currency, cycle)
  )`.execute(db);
  await sql`CREATE INDEX settlements_merchant_created ON settlements (merchant_id, created_at DESC, seq DESC)`.execute(db);
  await sql`CREATE INDEX settlements_pending ON settlements (payout_at) WHERE status = 'pending'`.execute(db);
}

async function createDisbursements(db: Kysely<any>): Promise<void> {
  await sql`CREATE TABLE disbursements (
    id text PRIMARY KEY,
    merchant_id text NOT NULL REFERENCES merchants (id),
    currency text NOT NULL,
    amount bigint NOT NULL CHECK (amount > 0),
    fee bigint NOT NULL CHECK (fee >= 0),
    fee_tax bigint NOT NULL CHECK (fee_tax >= 0),
    status text NOT NULL CHECK (status IN ('pending', 'paid', 'failed', 'cancelled')),
    bank_code text NOT NULL,
    branch_code text NOT NULL,
    account_type text NOT NULL CHECK (account_type IN ('ordinary', 'checking')),
    account_number text NOT NULL,
    account_name_kana text NOT NULL,
    error text,
    external_id text,
    cancel_reason text,
    pay_at timestamptz NOT NULL,
    created_at timestamptz NOT NULL,
    last_updated_at timestamptz NOT NULL,
    seq bigserial NOT NULL
  )`.execute(db);
  await sql`CREATE INDEX disbursements_merchant_created ON disbursements (merchant_id, created_at DESC, seq DESC)`.execute(db);
  await sql`CREATE INDEX disbursements_pending ON disbursements (pay_at) WHERE status = 'pending'`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE disbursements`.execute(db);
  await sql`DROP TABLE settlements`.execute(db);
  await sql`DROP TRIGGER refunds_ledger ON refunds`.execute(db);
  await sql`DROP TRIGGER payments_ledger_capture ON payments`.execute(db);
  await sql`DROP TRIGGER payments_ledger_insert ON payments`.execute(db);
  await sql`DROP FUNCTION kessai_ledger_refund()`.execute(db);
  await sql`DROP FUNCTION kessai_ledger_capture()`.execute(db);
  await sql`DROP FUNCTION kessai_ledger_id(text, text)`.execute(db);
  await sql`DROP TABLE balance_transactions`.execute(db);
  await sql`DROP TABLE merchant_fees`.execute(db);
  await sql`DROP TABLE fee_defaults`.execute(db);
}
