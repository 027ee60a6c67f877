import type { Db } from './db';
import { ofMerchant } from './of-merchant';
import type { SessionsTable } from './schema';
import type { Updateable } from 'kysely';
import type { Session } from '../model/session';

export async function insertSession(db: Db, session: Session): Promise<void> {
  await db
    .insertInto('sessions')
    .values({
      ...session,
      payment_types: JSON.stringify(session.payment_types),
      payment_data: JSON.stringify(session.payment_data),
      metadata: JSON.stringify(session.metadata),
      exchange_rates: session.exchange_rates === null ? null : JSON.stringify(session.exchange_rates),
      line_items: session.line_items === null ? null : JSON.stringify(session.line_items),
    } as never)
    .execute();
}

/** By id alone, the merchant checked in code (see ofMerchant). */
export async function findSession(db: Db, merchantId: string, id: string): Promise<Session | undefined> {
  return ofMerchant(merchantId, await findSessionById(db, id));
}

/** A session by id alone, for the hosted page, which carries no key: the id is the credential. */
export async function findSessionById(db: Db, id: string): Promise<Session | undefined> {
  return db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function lockSession(db: Db, merchantId: string, id: string): Promise<Session | undefined> {
  return ofMerchant(merchantId, await db.selectFrom('sessions').selectAll().where('id', '=', id).forUpdate().executeTakeFirst());
}

export async function updateSession(db: Db, id: string, changes: Updateable<SessionsTable>): Promise<Session> {
  return db.updateTable('sessions').set(changes).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
}
