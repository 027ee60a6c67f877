import { sql } from 'kysely';
import type { Db } from './db';
import type { NewEventRow } from './schema';
import { insertMail, type QueuedMail } from './mails.repo';
import { insertDeliveries, OUTBOX_EVENT_COLUMNS } from './outbox.repo';
import type { Event } from '../model/event';

/** Inserts an event and, in the same statement, its webhook deliveries (the outbox) and the mail it sends, if any. */
export async function insertEvent(db: Db, event: NewEventRow, mail: QueuedMail | null = null): Promise<void> {
  const withEvent = db.with('e', (qc) => qc.insertInto('events').values(event).returning(OUTBOX_EVENT_COLUMNS));
  if (mail) await insertDeliveries(withEvent.with('mail', () => insertMail(mail))).execute();
  else await insertDeliveries(withEvent).execute();
}

export async function findEvent(db: Db, merchantId: string, id: string): Promise<Event | undefined> {
  return db.selectFrom('events').selectAll().where('merchant_id', '=', merchantId).where('id', '=', id).executeTakeFirst();
}

export interface EventFilter {
  merchantId: string;
  type?: string;
  resourceId?: string;
  startTime?: Date;
  endTime?: Date;
}

export async function listEvents(db: Db, filter: EventFilter, page: number, perPage: number) {
  let query = db.selectFrom('events').where('merchant_id', '=', filter.merchantId);
  if (filter.type) query = query.where('type', '=', filter.type);
  if (filter.resourceId) query = query.where('resource_id', '=', filter.resourceId);
  if (filter.startTime) query = query.where('created_at', '>=', filter.startTime);
  if (filter.endTime) query = query.where('created_at', '<=', filter.endTime);
  const [rows, count] = await Promise.all([
    query.selectAll().orderBy('created_at', 'desc').orderBy('seq', 'desc').limit(perPage).offset((page - 1) * perPage).execute(),
    query.select(sql<number>`count(*)::int`.as('total')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.total) };
}

/** The merchant's newest event's `seq` (0 when it has none): where a live stream starts. */
export async function latestEventSeq(db: Db, merchantId: string): Promise<number> {
  const row = await db
    .selectFrom('events')
    .select(sql<number>`coalesce(max(seq), 0)`.as('seq'))
    .where('merchant_id', '=', merchantId)
    .executeTakeFirstOrThrow();
  return Number(row.seq);
}

/** Events after `afterSeq` in `seq` order, but for those in `skip` (already streamed). */
export async function eventsAfter(db: Db, merchantId: string, afterSeq: number, skip: number[], limit: number): Promise<Event[]> {
  return db
    .selectFrom('events')
    .selectAll()
    .where('merchant_id', '=', merchantId)
    .where('seq', '>', afterSeq)
    .where(sql<boolean>`seq <> ALL(${skip}::bigint[])`)
    .orderBy('seq')
    .limit(limit)
    .execute();
}
