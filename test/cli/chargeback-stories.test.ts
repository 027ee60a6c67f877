import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../../src/cli/api-client';
import { CHARGEBACK_TRIGGERS } from '../../src/cli/chargeback-stories';
import type { Made, StoryContext } from '../../src/cli/story-steps';
import { startHarness, type Harness } from '../helpers/harness';

// The chargeback stories of `kessai trigger`, told in this process against a harness over real
// HTTP (test/cli/trigger.test.ts tells every story through a `kessai` process and `kessai listen`).

let h: Harness;
let url: string;

beforeAll(async () => {
  h = await startHarness();
  url = await h.listen();
});
afterAll(() => h.close());

describe('kessai trigger chargeback.*', () => {
  for (const story of CHARGEBACK_TRIGGERS) {
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
      const chargeback = made.find((o) => o.resource === 'chargeback')!;
      expect(chargeback.status).toBe(story.name === 'chargeback.created' ? 'pending' : { 'chargeback.won': 'cancelled' }[story.name] ?? story.name.split('.')[1]);
    });
  }
});
