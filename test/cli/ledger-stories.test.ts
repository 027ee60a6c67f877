import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../../src/cli/api-client';
import { LEDGER_TRIGGERS } from '../../src/cli/ledger-stories';
import type { Made, StoryContext } from '../../src/cli/story-steps';
import { startHarness, type Harness } from '../helpers/harness';

// The settlement and disbursement stories of `kessai trigger`, told in this process against a harness over real
// HTTP (test/cli/trigger.test.ts tells every story through a `kessai` process and `kessai listen`).

let h: Harness;
let url: string;

beforeAll(async () => {
  h = await startHarness();
  url = await h.listen();
});
afterAll(() => h.close());

describe('kessai trigger settlement.* and disbursement.*', () => {
  for (const story of LEDGER_TRIGGERS) {
    it(`${story.name} makes the events it lists, in order`, async () => {
      const m = await h.merchant();
      const client = new ApiClient({ url, source: 'test', key: m.secretKey, remembered: false });
      const made: Made[] = [];
      const ctx: StoryContext = {
        client,
        body: (_step, defaults) => defaults,
        made: (object) => {
          const at = made.findIndex((o) => o.id === object.id);
          if (at === -1) made.push(object);
          else made[at] = object;
        },
        note: () => undefined,
      };
      await story.run(ctx);
      const events: string[] = [];
      for (const object of made) {
        const answer = await client.api('GET', `/api/v1/events?resource_id=${object.id}&per_page=100`);
        events.push(...answer.body.data.reverse().map((event: { type: string }) => event.type));
      }
      expect(events).toEqual(story.events);
      // The last object made is the settlement or disbursement, in the state its event names.
      const [resource, state] = story.name.split('.');
      const last = made.at(-1)!;
      expect(last.resource).toBe(resource);
      expect(last.status).toBe(state === 'created' ? 'pending' : state);
    });
  }
});
