import type { Db } from '../store/db';
import * as eventsRepo from '../store/events.repo';
import type { Actor } from './context';
import { ApiError } from '../kernel/errors';

/** Reading the event log (writing happens in events.ts, inside each command's transaction). */
export async function getEvent(db: Db, actor: Actor, id: string) {
  const event = await eventsRepo.findEvent(db, actor.merchant.id, id);
  if (!event) throw new ApiError('not_found', { param: 'id' });
  return event;
}

export interface ListEventsQuery {
  page: number;
  per_page: number;
  type?: string;
  resource_id?: string;
  start_time?: Date;
  end_time?: Date;
}

export async function listEvents(db: Db, actor: Actor, query: ListEventsQuery) {
  return eventsRepo.listEvents(
    db,
    { merchantId: actor.merchant.id, type: query.type, resourceId: query.resource_id, startTime: query.start_time, endTime: query.end_time },
    query.page,
    query.per_page,
  );
}
