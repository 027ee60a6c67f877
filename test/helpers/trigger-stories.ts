import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../../src/cli/api-client';
import type { Made, Story, StoryContext } from '../../src/cli/story-steps';
import { startHarness, type Harness } from './harness';

/**
 * Stories of `kessai trigger`, told in this process against a harness over real HTTP (without
 * the user's overrides), a test each, as a new merchant: the events of the objects a story
 * made, in order, are the events it lists; `check` then looks at the objects as they stand at
 * the end. (test/cli/trigger.test.ts tells every story through a `kessai` process.)
 *
 *   describeStories('kessai trigger chargeback.*', CHARGEBACK_TRIGGERS, (story, made) => { … });
 */
export function describeStories(title: string, stories: readonly Story[], check: (story: Story, made: Made[]) => void): void {
  let h: Harness;
  let url: string;
  beforeAll(async () => {
    h = await startHarness();
    url = await h.listen();
  });
  afterAll(() => h.close());

  describe(title, () => {
    for (const story of stories) {
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
        check(story, made);
      });
    }
  });
}
