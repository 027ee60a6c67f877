import { sql } from 'kysely';
import type { Db } from './db';
import { ofMerchant } from './of-merchant';
import type { Customer } from '../model/customer';

/** Every column but `seq`, which only orders rows created in the same millisecond. */
const RECORD = ['id', 'merchant_id', 'email', 'metadata', 'payment_type', 'source', 'secret_details', 'created_at', 'updated_at', 'scenario'] as const;

type Columns = Omit<Customer, 'metadata' | 'source'> & { metadata: string; source: string | null };

function columns(customer: Customer): Columns {
  return { ...customer, metadata: JSON.stringify(customer.metadata), source: customer.source && JSON.stringify(customer.source) };
}

export async function insertCustomer(db: Db, customer: Customer): Promise<void> {
  await db.insertInto('customers').values(columns(customer)).execute();
}

/** By id alone, the merchant checked in code (see ofMerchant). */
export async function findCustomer(db: Db, merchantId: string, id: string): Promise<Customer | undefined> {
  return ofMerchant(merchantId, await db.selectFrom('customers').select(RECORD).where('id', '=', id).executeTakeFirst());
}

/** Locks the customer row for the rest of the transaction (SELECT … FOR UPDATE); by id alone, as findCustomer. */
export async function lockCustomer(db: Db, merchantId: string, id: string): Promise<Customer | undefined> {
  return ofMerchant(merchantId, await db.selectFrom('customers').select(RECORD).where('id', '=', id).forUpdate().executeTakeFirst());
}

export async function updateCustomer(db: Db, customer: Customer): Promise<void> {
  const { id, merchant_id: _merchant, created_at: _created, ...changes } = columns(customer);
  await db.updateTable('customers').set(changes).where('id', '=', id).execute();
}

export async function deleteCustomer(db: Db, id: string): Promise<void> {
  await db.deleteFrom('customers').where('id', '=', id).execute();
}

export interface CustomerFilter {
  merchantId: string;
  startTime?: Date;
  endTime?: Date;
  /** Only customers whose stored card expires in this month (1–12) of this year (four digits). */
  expiration?: { month: number; year: number };
}

export async function listCustomers(db: Db, filter: CustomerFilter, page: number, perPage: number) {
  let query = db.selectFrom('customers').where('merchant_id', '=', filter.merchantId);
  if (filter.startTime) query = query.where('created_at', '>=', filter.startTime);
  if (filter.endTime) query = query.where('created_at', '<=', filter.endTime);
  if (filter.expiration) {
    const { month, year } = filter.expiration;
    query = query.where(sql<boolean>`source->>'month' = ${String(month)} AND source->>'year' = ${String(year)}`);
  }
  const [rows, count] = await Promise.all([
    query.select(RECORD).orderBy('created_at', 'desc').orderBy('seq', 'desc').limit(perPage).offset((page - 1) * perPage).execute(),
    query.select(sql<number>`count(*)::int`.as('total')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.total) };
}

/** A customer row with its row number (`seq`), by id alone: for what a subscription shows of it. */
export async function findCustomerRow(db: Db, id: string) {
  return db.selectFrom('customers').select(['id', 'seq', 'email', 'source', 'created_at', 'updated_at']).where('id', '=', id).executeTakeFirst();
}
