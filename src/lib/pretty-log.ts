import { Writable } from 'node:stream';

/**
 * A pino destination for a developer's terminal: each JSON line pino writes becomes one readable
 * line, written to `out`.
 *
 *   14:02:11 POST /api/v1/payments 200 4ms sk_test
 *   14:02:11 payment failed  payment=6sd… type=credit_card code=card_declined
 *   14:02:12 WARN webhook failed  event=payment.captured status=500 next_retry_at=2026-12-03T14:03:08.412Z
 *
 * Used only when the log goes to a terminal (LOG_FORMAT unset and stderr a TTY, or
 * LOG_FORMAT=pretty): parsing each line back is a cost a person reading along never notices, and
 * the JSON mode that servers and CI use keeps pino's own asynchronous destination untouched. A
 * small formatter rather than pino-pretty: the request line is kessai's own shape (method, path,
 * status, time, key kind), which pino-pretty would need a template and an ignore list to print,
 * and it keeps a dependency tree out of the start-up path.
 */
export function prettyDestination(out: NodeJS.WritableStream): Writable {
  return new Writable({
    decodeStrings: false,
    write(chunk: Buffer | string, _encoding, done) {
      for (const line of String(chunk).split('\n')) if (line !== '') out.write(`${prettyLine(line)}\n`);
      done();
    },
  });
}

const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };

/** Fields every line has, or that the line's shape shows already. */
const SKIPPED = new Set(['level', 'time', 'pid', 'hostname', 'msg', 'reqId', 'err']);

/** One pino JSON line as one readable line (the line as it is when it is not JSON). */
export function prettyLine(json: string): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(json);
  } catch {
    return json;
  }
  const level = typeof entry.level === 'number' ? entry.level : 30;
  const head = `${clockTime(entry.time)}${level === 30 ? '' : ` ${LEVELS[level] ?? level}`}`;
  const request = requestLine(entry);
  if (request) return `${head} ${request}`;
  const fields = Object.entries(entry)
    .filter(([key, value]) => !SKIPPED.has(key) && value !== undefined)
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`);
  const err = entry.err as { message?: string; stack?: string } | undefined;
  const error = err ? `\n  ${(err.stack ?? err.message ?? '').split('\n').join('\n  ')}` : '';
  return `${head} ${String(entry.msg ?? '')}${fields.length ? `  ${fields.join(' ')}` : ''}${error}`;
}

/** `POST /api/v1/payments 200 4ms sk_test` for the one line logged per request, else null. */
function requestLine(entry: Record<string, unknown>): string | null {
  const req = entry.req as { method?: string; url?: string } | undefined;
  const res = entry.res as { statusCode?: number } | undefined;
  if (!req || !res || typeof entry.responseTime !== 'number') return null;
  return `${req.method} ${req.url} ${res.statusCode} ${Math.round(entry.responseTime)}ms ${entry.keyKind ?? 'none'}`;
}

/** HH:MM:SS in local time: a terminal's reader knows the day. */
function clockTime(time: unknown): string {
  const date = new Date(typeof time === 'number' ? time : Date.now());
  return [date.getHours(), date.getMinutes(), date.getSeconds()].map((part) => String(part).padStart(2, '0')).join(':');
}
