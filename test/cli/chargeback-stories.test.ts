import { expect } from 'vitest';
import { CHARGEBACK_TRIGGERS } from '../../src/cli/chargeback-stories';
import { describeStories } from '../helpers/trigger-stories';

// The chargeback stories of `kessai trigger`, each told in this process (test/helpers/trigger-stories.ts).

describeStories('kessai trigger chargeback.*', CHARGEBACK_TRIGGERS, (story, made) => {
  const chargeback = made.find((o) => o.resource === 'chargeback')!;
  expect(chargeback.status).toBe(story.name === 'chargeback.created' ? 'pending' : { 'chargeback.won': 'cancelled' }[story.name] ?? story.name.split('.')[1]);
});
