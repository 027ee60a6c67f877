import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openStore, type Store } from '../../src/store/db';

// PGlite runs in this process and answers within the same turn of the event loop: without a
// yield, a queue of queries (50 requests' worth) ran to the end in microtasks while the sockets
// of newly arrived requests went unread, so a connection's first request waited seconds.
let store: Store;

beforeAll(async () => {
  store = await openStore({ databaseUrl: null, dataDir: 'memory://' });
});
afterAll(() => store.close());

it('lets timers and I/O run between the queries of a busy embedded database', async () => {
  const chains = 10;
  const perChain = 30;
  let done = 0;
  const work = Promise.all(
    Array.from({ length: chains }, async () => {
      for (let i = 0; i < perChain; i++) {
        await sql`SELECT ${i}::int AS n`.execute(store.db);
        done++;
      }
    }),
  );
  const doneWhenTimerRan = await new Promise<number>((resolve) => setTimeout(() => resolve(done), 0));
  await work;
  expect(done).toBe(chains * perChain);
  expect(doneWhenTimerRan).toBeLessThan((chains * perChain) / 2);
});
