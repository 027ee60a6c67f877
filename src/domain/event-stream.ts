import { setTimeout as sleep } from 'node:timers/promises';
import { stopwatch } from '../lib/clock';
import type { Db } from '../store/db';
import * as eventsRepo from '../store/events.repo';
import type { Actor } from './context';
import type { Event } from '../model/event';

export interface FollowOptions {
  /** Resume after this event (the SSE `Last-Event-ID`); otherwise start with the next new event. */
  after?: string;
  signal: AbortSignal;
  pollMs?: number;
}

const BATCH = 100;
/**
 * `seq` is taken when an event is inserted, not when it commits: a transaction holding seq 10 may
 * commit after one holding seq 11 was streamed. So events are read from a horizon that trails
 * the newest streamed one by this long (far more than any command's transaction lasts), skipping
 * those already sent.
 */
const LOOKBACK_MS = 5_000;

/**
 * This merchant's events as they are committed, each once, in about the order they happened
 * (GET /api/v1/events/stream, `kessai listen`). Resolves once the starting point is fixed, so
 * every event committed after that is in the stream. Ends when `signal` aborts.
 *
 *   for await (const event of await followEvents(db, actor, { signal })) send(event);
 */
export async function followEvents(db: Db, actor: Actor, options: FollowOptions): Promise<AsyncGenerator<Event>> {
  const merchantId = actor.merchant.id;
  const resumed = options.after ? await eventsRepo.findEvent(db, merchantId, options.after) : undefined;
  const start = resumed ? resumed.seq : await eventsRepo.latestEventSeq(db, merchantId);
  return follow(db, merchantId, start, options);
}

async function* follow(db: Db, merchantId: string, start: number, options: FollowOptions): AsyncGenerator<Event> {
  let horizon = start;
  let newest = start;
  const sent = new Set<number>();
  const marks: { at: number; newest: number }[] = [];
  const elapsed = stopwatch();

  while (!options.signal.aborted) {
    const rows = await eventsRepo.eventsAfter(db, merchantId, horizon, [...sent], BATCH);
    for (const row of rows) {
      sent.add(row.seq);
      newest = Math.max(newest, row.seq);
      yield row;
    }
    marks.push({ at: elapsed(), newest });
    while (marks.length && marks[0].at < elapsed() - LOOKBACK_MS) horizon = marks.shift()!.newest;
    for (const seq of sent) if (seq <= horizon) sent.delete(seq);
    if (rows.length === BATCH) continue;
    try {
      await sleep(options.pollMs ?? 250, undefined, { signal: options.signal });
    } catch {
      return;
    }
  }
}
