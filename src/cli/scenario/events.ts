import { setTimeout as sleep } from 'node:timers/promises';
import type { ApiClient } from '../api-client';
import { Refusal } from '../refusal';
import { keyRefused } from '../server-target';
import { describeMismatch, mismatches } from './expect';
import type { ExpectedEvent } from './schema';

const DEFAULT_TIMEOUT_SECONDS = 10;
const POLL_MS = 200;

/** The server answered, but gave no event log to read: a step waiting for an event fails. */
export class ServerRefused extends Refusal {}

interface ListedEvent {
  id: string;
  type: string;
  [field: string]: unknown;
}

/**
 * Which events a run may match: those after it began (on the merchant's clock: every event's
 * `created_at` follows it), minus the few already there in that same second. Events of earlier
 * runs on the same server never satisfy this run's `expect_event`.
 */
export class EventWatcher {
  private constructor(
    private readonly client: ApiClient,
    private readonly since: string | null,
    private readonly before: ReadonlySet<string>,
  ) {}

  static async start(client: ApiClient): Promise<EventWatcher> {
    const clock = await client.api('GET', '/test_helpers/clock');
    if (clock.status === 401) throw keyRefused(client.target);
    const now = clock.status === 200 ? (clock.body as { now?: unknown }).now : undefined;
    const since = typeof now === 'string' ? now : null;
    const watcher = new EventWatcher(client, since, new Set());
    const existing = await watcher.list();
    return new EventWatcher(client, since, new Set(existing.map((event) => event.id)));
  }

  private async list(type?: string): Promise<ListedEvent[]> {
    const query = new URLSearchParams({ per_page: '100' });
    if (type) query.set('type', type);
    if (this.since) query.set('start_time', this.since);
    const answer = await this.client.api('GET', `/events?${query}`);
    const data = (answer.body as { data?: unknown } | null)?.data;
    if (answer.status !== 200 || !Array.isArray(data)) throw new ServerRefused(`GET /api/v1/events answered ${answer.status}`);
    return (data as ListedEvent[]).filter((event) => !this.before.has(event.id));
  }

  /**
   * Waits for an event of `expected.type` whose fields match the rest of `expected` (partially,
   * as `expect` does), the oldest first. Answers it, or why none came in time.
   */
  async wait(expected: ExpectedEvent): Promise<{ event: ListedEvent } | { problem: string }> {
    const { type, timeout_seconds: timeoutSeconds = DEFAULT_TIMEOUT_SECONDS, ...fields } = expected;
    const deadline = Date.now() + timeoutSeconds * 1000;
    for (;;) {
      let candidates: ListedEvent[];
      try {
        candidates = (await this.list(type)).reverse();
      } catch (error) {
        if (error instanceof ServerRefused) return { problem: error.message };
        throw error;
      }
      const match = candidates.find((event) => mismatches(fields, event).length === 0);
      if (match) return { event: match };
      if (Date.now() >= deadline) {
        const closest = candidates.at(-1);
        const why = closest ? `; the newest ${type} (${closest.id}) differs: ${mismatches(fields, closest).map(describeMismatch).join('; ')}` : '';
        return { problem: `no ${type} event${Object.keys(fields).length ? ' matching' : ''} within ${timeoutSeconds} s${why}` };
      }
      await sleep(POLL_MS);
    }
  }
}
