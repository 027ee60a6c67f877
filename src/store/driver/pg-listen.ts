import pg from 'pg';
import type { LogSink } from '../../lib/log';
import { connectionErrorSummary } from './connection-errors';

const LISTEN_RETRY_MIN_MS = 100;
const LISTEN_RETRY_MAX_MS = 2_000;

interface ListenHandlers {
  onNotify: (payload: string) => void;
  onResume?: () => void;
  log: LogSink;
}

/**
 * LISTEN on a dedicated client: pooled connections are shared, and a notification arrives on the
 * connection that listens. When that connection is lost it reconnects (at once, then backing off
 * to LISTEN_RETRY_MAX_MS while PostgreSQL is away), LISTENs again, and calls `onResume`:
 * notifications sent meanwhile are lost, so the caller looks for what it missed. A first
 * connection that fails is retried the same way.
 */
export async function listenPostgres(newClient: () => pg.Client, channel: string, handlers: ListenHandlers): Promise<() => Promise<void>> {
  const listener = new Listener(newClient, channel, handlers);
  await listener.connect();
  return () => listener.stop();
}

/** The one LISTENing client of listenPostgres, and its reconnection. */
class Listener {
  readonly #newClient: () => pg.Client;
  readonly #channel: string;
  readonly #handlers: ListenHandlers;
  #client: pg.Client | null = null;
  #stopped = false;
  #retry: NodeJS.Timeout | undefined;
  #delay = LISTEN_RETRY_MIN_MS;

  constructor(newClient: () => pg.Client, channel: string, handlers: ListenHandlers) {
    this.#newClient = newClient;
    this.#channel = channel;
    this.#handlers = handlers;
  }

  /** One client, LISTENing; resolves to whether it got there. Once lost, it schedules the next. */
  async connect(): Promise<boolean> {
    const channel = this.#channel;
    const next = this.#newClient();
    let lost = false;
    const lose = (err?: unknown) => {
      if (lost) return;
      lost = true;
      if (this.#client === next) this.#client = null;
      next.end().catch(() => {});
      if (this.#stopped) return;
      this.#handlers.log.error({ channel, err: err && connectionErrorSummary(err) }, 'lost the LISTEN connection; reconnecting');
      this.#scheduleReconnect();
    };
    next.on('notification', (message) => this.#handlers.onNotify(message.payload ?? ''));
    next.on('error', lose);
    next.on('end', () => lose());
    try {
      await next.connect();
      await next.query(`LISTEN "${channel}"`);
    } catch (err) {
      lose(err);
      return false;
    }
    if (lost) return false;
    if (this.#stopped) {
      await next.end().catch(() => {});
      return false;
    }
    this.#client = next;
    return true;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#retry);
    await this.#client?.end().catch(() => {});
  }

  #scheduleReconnect(): void {
    if (this.#stopped || this.#retry) return;
    this.#retry = setTimeout(async () => {
      this.#retry = undefined;
      if (await this.connect()) {
        this.#delay = LISTEN_RETRY_MIN_MS;
        this.#handlers.log.info({ channel: this.#channel }, 'LISTEN connection back; catching up');
        this.#handlers.onResume?.();
      }
    }, this.#delay);
    this.#delay = Math.min(this.#delay * 2, LISTEN_RETRY_MAX_MS);
  }
}
