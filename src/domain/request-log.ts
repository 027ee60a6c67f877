import type { Db } from '../store/db';
import * as requestLogRepo from '../store/request-log.repo';
import type { RequestLogEntry } from '../store/request-log.repo';
import type { LogSink } from '../lib/log';
import type { Actor } from './context';

/** Requests kept per merchant in the dashboard's request log (Developers → Requests). */
export const REQUEST_LOG_KEEP = 1000;
/** How long an entry may wait in memory before it is written. */
const FLUSH_MS = 200;
/** Entries written in one statement at most; reaching it writes at once. */
const MAX_BATCH = 500;
/** How often a merchant's log is trimmed back to REQUEST_LOG_KEEP. */
const TRIM_MS = 10_000;

export type { RequestLogEntry };

export interface RequestLog {
  record(entry: RequestLogEntry): void;
  /** Writes what is waiting; resolves once it is stored (or the write failed and was logged). */
  flush(): Promise<void>;
}

/** The writer of each database handle, so the dashboard can flush before it lists. */
const writers = new WeakMap<Db, RequestLog>();

/**
 * The API request log writer: entries wait in memory and are written together, in one
 * multi-row INSERT per FLUSH_MS (or per MAX_BATCH entries), instead of one statement per API
 * request, which cost the API a round trip and a pool connection on every call. A crash loses
 * at most the last FLUSH_MS of log entries, never anything of a payment. Trimming each merchant's
 * log to REQUEST_LOG_KEEP rows happens at most every TRIM_MS.
 */
export function requestLogWriter(db: Db, log: Pick<LogSink, 'error'>): RequestLog {
  let writer = writers.get(db);
  if (!writer) {
    writer = createRequestLog(db, log);
    writers.set(db, writer);
  }
  return writer;
}

/** A writer of its own (tests shorten its intervals); the app uses requestLogWriter. */
export function createRequestLog(
  db: Db,
  log: Pick<LogSink, 'error'>,
  { flushMs = FLUSH_MS, trimMs = TRIM_MS, keep = REQUEST_LOG_KEEP } = {},
): RequestLog {
  let waiting: RequestLogEntry[] = [];
  let timer: NodeJS.Timeout | null = null;
  let writing: Promise<void> = Promise.resolve();
  const untrimmed = new Set<string>();
  let lastTrim = Date.now();

  async function write(batch: RequestLogEntry[]): Promise<void> {
    try {
      await requestLogRepo.insertRequests(db, batch);
      for (const entry of batch) untrimmed.add(entry.merchant_id);
      if (Date.now() - lastTrim >= trimMs) {
        lastTrim = Date.now();
        const merchants = [...untrimmed];
        untrimmed.clear();
        await requestLogRepo.trimRequests(db, merchants, keep);
      }
    } catch (err) {
      log.error({ err }, 'request log write failed');
    }
  }

  function flush(): Promise<void> {
    if (timer) clearTimeout(timer);
    timer = null;
    if (waiting.length > 0) {
      const batch = waiting;
      waiting = [];
      // One write at a time, in order.
      writing = writing.then(() => write(batch));
    }
    return writing;
  }

  return {
    record(entry) {
      waiting.push(entry);
      if (waiting.length >= MAX_BATCH) void flush();
      else timer ??= setTimeout(() => void flush(), flushMs).unref();
    },
    flush,
  };
}

/** Newest first; includes what this process has not written yet. */
export async function listApiRequests(db: Db, actor: Actor, page: number, perPage: number) {
  await writers.get(db)?.flush();
  return requestLogRepo.listRequests(db, actor.merchant.id, page, perPage);
}
