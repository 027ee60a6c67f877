import { Command, InvalidArgumentError } from 'commander';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfig } from '../config';
import type { AttemptResult } from '../domain/webhook-delivery';
import { basicAuthorization } from './api-client';
import { forwardingSecret } from './listen-secret';
import { Refusal } from './refusal';
import { ROLLED_KEY_HINT, serverTarget, type ServerFlags, type ServerTarget } from './server-target';

interface StreamedEvent {
  id: string;
  type: string;
  data: string;
}

/**
 * Parses server-sent events from a byte stream: blocks separated by a blank line, `field: value`
 * lines, comments (`:`) ignored. Only the fields the event stream uses are read.
 */
async function* parseEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<StreamedEvent> {
  const decoder = new TextDecoder();
  const reader = body.getReader();
  let buffer = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) !== -1) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const fields: Record<string, string> = {};
      for (const line of block.split('\n')) {
        const colon = line.indexOf(':');
        if (colon <= 0) continue;
        fields[line.slice(0, colon)] = line.slice(colon + 1).replace(/^ /, '');
      }
      if (fields.id && fields.event && fields.data !== undefined) yield { id: fields.id, type: fields.event, data: fields.data };
    }
  }
}

/** Characters of a failed forward's answer shown on its line. */
const BODY_EXCERPT = 200;

interface ListenOptions extends ServerFlags {
  forwardTo?: string;
  events?: string;
  format: 'text' | 'json';
  printSecret?: boolean;
  newSecret?: boolean;
}

/** What the line of one forwarded event says, as text or as one JSON object. */
function forwardLine(event: StreamedEvent, result: AttemptResult, format: 'text' | 'json'): string {
  let resourceId: string | null = null;
  try {
    resourceId = (JSON.parse(event.data) as { data?: { id?: string } }).data?.id ?? null;
  } catch {
    // Not JSON: the line says so with no resource id.
  }
  const ok = result.statusCode !== null && result.statusCode >= 200 && result.statusCode < 300;
  const body = ok ? null : (result.responseExcerpt ?? '').slice(0, BODY_EXCERPT);
  const time = new Date().toISOString();
  if (format === 'json') {
    return JSON.stringify({ time, event_id: event.id, type: event.type, resource_id: resourceId, status: result.statusCode, latency_ms: result.latencyMs, ok, error: result.error, body });
  }
  const answer = result.statusCode !== null ? String(result.statusCode) : `error: ${result.error}`;
  const failure = ok || !body ? '' : `  ${body.replace(/\s+/g, ' ')}`;
  return `${time}  ${event.type.padEnd(22)}  ${resourceId ?? '-'}  → ${answer} (${result.latencyMs} ms)  [${event.id}]${failure}`;
}

/** `--events a,b`: the types to forward (null: all), each one kessai sends. */
async function eventFilter(list: string | undefined): Promise<Set<string> | null> {
  if (list === undefined) return null;
  const { WEBHOOK_EVENT_TYPES } = await import('../domain/webhooks');
  const known: string[] = [...WEBHOOK_EVENT_TYPES, 'ping'];
  const types = list.split(',').map((type) => type.trim()).filter(Boolean);
  const unknown = types.filter((type) => !known.includes(type));
  if (unknown.length || !types.length) throw new Refusal(`--events: ${unknown.join(', ') || 'no type'} is not an event type (${known.join(', ')})`);
  return new Set(types);
}

/**
 * `kessai listen --forward-to URL`: follows the merchant's events on a running server
 * (GET /api/v1/events/stream) and POSTs each, exactly like a webhook and signed with the printed
 * secret, to a local URL, one at a time and in order. Prints one line per event with the
 * receiver's answer. Reconnects after a lost connection, resuming after the last event seen.
 */
async function listen(options: ListenOptions): Promise<void> {
  const config = loadConfig();
  const { secret, where } = forwardingSecret(config, options.newSecret === true);
  if (options.printSecret) return void process.stdout.write(`${secret}\n`);
  if (!options.forwardTo) throw new Refusal("required option '--forward-to <url>' not specified");
  const forwardTo = options.forwardTo;
  const only = await eventFilter(options.events);
  const target = serverTarget(config, options);
  const [{ webhookHeaders }, { postJson }] = await Promise.all([import('../domain/webhook-delivery'), import('../worker/outbound')]);
  // In JSON format stdout carries the event lines only; what a person reads goes to stderr.
  const say = (text: string) => (options.format === 'json' ? process.stderr : process.stdout).write(text);
  say(`Following events of ${target.url} (${target.source})\n`);
  await follow(target, (ready) => {
    if (ready) {
      const filter = only ? ` (only ${[...only].join(', ')})` : '';
      say(`Ready! Forwarding events from ${target.url} to ${forwardTo}${filter}\nWebhook signing secret: ${secret} (${where})\n`);
    }
  }, async (event) => {
    if (only && !only.has(event.type)) return;
    const result = await postJson(forwardTo, event.data, webhookHeaders(event.id, event.type, event.data, secret), {
      timeoutMs: config.webhooks.timeoutMs,
      refusePrivate: false,
    });
    process.stdout.write(`${forwardLine(event, result, options.format)}\n`);
  });
}

/**
 * Reads the event stream until SIGINT/SIGTERM, handing each event to `forward` in order;
 * `connected(true)` once, at the first connection. Reconnects after a lost connection,
 * resuming after the last event handled.
 */
async function follow(target: ServerTarget, connected: (first: boolean) => void, forward: (event: StreamedEvent) => Promise<void>): Promise<void> {
  const streamUrl = `${target.url}/api/v1/events/stream`;
  const stopped = new AbortController();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => stopped.abort());
  let lastEventId: string | null = null;
  let ready = false;

  while (!stopped.signal.aborted) {
    try {
      const response: Response = await fetch(streamUrl, {
        headers: {
          authorization: basicAuthorization(target.key),
          accept: 'text/event-stream',
          ...(lastEventId ? { 'last-event-id': lastEventId } : {}),
        },
        signal: stopped.signal,
      });
      if (response.status === 401 || response.status === 403) {
        // The generated key kept in the data directory stops working once rolled in the dashboard,
        // which shows the new key once and cannot write it here.
        const hint = target.remembered ? ` (${ROLLED_KEY_HINT})` : '';
        throw new Error(`The server refused the key (${response.status}): ${await response.text()}${hint}`);
      }
      if (!response.ok || !response.body) throw Object.assign(new Error(`HTTP ${response.status}`), { retry: true });
      connected(!ready);
      ready = true;
      for await (const event of parseEvents(response.body)) {
        await forward(event);
        lastEventId = event.id;
      }
    } catch (error) {
      if (stopped.signal.aborted) break;
      if (!(error instanceof TypeError) && !(error as { retry?: boolean }).retry) throw error;
    }
    if (stopped.signal.aborted) break;
    process.stderr.write(`${ready ? 'connection to the server lost' : `cannot reach ${streamUrl}`}; trying again in 1 s\n`);
    await sleep(1000, undefined, { signal: stopped.signal }).catch(() => {});
  }
}

function parseFormat(value: string): 'text' | 'json' {
  if (value !== 'text' && value !== 'json') throw new InvalidArgumentError('must be text or json');
  return value;
}

export function listenCommand(): Command {
  return new Command('listen')
    .description("forward a running server's events for this merchant to a local URL, signed like webhooks")
    .option('--forward-to <url>', 'where to POST each event, e.g. http://localhost:4000/hooks (required unless --print-secret)')
    .option('--server <url>', "the server's base URL (default: the server running on the data directory, else KESSAI_PUBLIC_URL)")
    .option('--api-key <key>', 'secret key of the merchant (default: KESSAI_SECRET_KEY, else the default merchant key kept in the data directory)')
    .option('--events <types>', 'forward only these event types, comma-separated (e.g. payment.captured,payment.refunded)')
    .option('--format <format>', 'text (default) or json: one JSON object per forwarded event', parseFormat, 'text')
    .option('--print-secret', 'print the signing secret and exit')
    .option('--new-secret', 'replace the signing secret kept in the data directory with a new one')
    .action(listen);
}
