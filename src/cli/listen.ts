import { Command } from 'commander';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfig, type Config } from '../config';
import { randomAlphanumeric } from '../lib/random';
import { knownSecretKey } from './through-server';
import { runningServerUrl } from './health';

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

/**
 * `kessai listen --forward-to URL`: follows the merchant's events on a running server
 * (GET /api/v1/events/stream) and POSTs each, exactly like a webhook and signed with the printed
 * secret, to a local URL, one at a time and in order. Prints one line per event with the
 * receiver's answer. Reconnects after a lost connection, resuming after the last event seen.
 */
async function listen(config: Config, forwardTo: string): Promise<void> {
  const [{ webhookHeaders }, { postJson }] = await Promise.all([import('../domain/webhook-delivery'), import('../worker/outbound')]);
  const known = knownSecretKey(config);
  if (!known) throw new Error('No secret key: set KESSAI_SECRET_KEY (or run from the directory where `kessai serve` keeps its data)');
  const { key, remembered } = known;
  const secret = config.webhookSecret ?? randomAlphanumeric(32);
  // The server on this data directory where it really listens (its lock), else the configured URL.
  const serverUrl = runningServerUrl(config) ?? config.publicUrl;
  const streamUrl = `${serverUrl}/api/v1/events/stream`;
  const stopped = new AbortController();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => stopped.abort());
  let lastEventId: string | null = null;
  let ready = false;

  while (!stopped.signal.aborted) {
    try {
      const response: Response = await fetch(streamUrl, {
        headers: {
          authorization: `Basic ${Buffer.from(`${key}:`).toString('base64')}`,
          accept: 'text/event-stream',
          ...(lastEventId ? { 'last-event-id': lastEventId } : {}),
        },
        signal: stopped.signal,
      });
      if (response.status === 401 || response.status === 403) {
        // The generated key kept in the data directory stops working once rolled in the dashboard,
        // which shows the new key once and cannot write it here.
        const hint = remembered ? ' The key kept in KESSAI_DATA_DIR was probably rolled in the dashboard: set KESSAI_SECRET_KEY to the new key.' : '';
        throw new Error(`The server refused the key (${response.status}): ${await response.text()}${hint}`);
      }
      if (!response.ok || !response.body) throw Object.assign(new Error(`HTTP ${response.status}`), { retry: true });
      if (!ready) {
        process.stdout.write(`Ready! Forwarding events from ${serverUrl} to ${forwardTo}\nWebhook signing secret: ${secret}\n`);
        ready = true;
      }
      for await (const event of parseEvents(response.body)) {
        const result = await postJson(forwardTo, event.data, webhookHeaders(event.id, event.type, event.data, secret), {
          timeoutMs: config.webhooks.timeoutMs,
          refusePrivate: false,
        });
        const answer = result.statusCode !== null ? String(result.statusCode) : `error: ${result.error}`;
        process.stdout.write(`${event.type}  ${event.id}  → ${answer} (${result.latencyMs} ms)\n`);
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

export function listenCommand(): Command {
  return new Command('listen')
    .description("forward a running server's events for this merchant to a local URL, signed like webhooks")
    .requiredOption('--forward-to <url>', 'where to POST each event, e.g. http://localhost:4000/hooks')
    .action(async (options: { forwardTo: string }) => listen(loadConfig(), options.forwardTo));
}
