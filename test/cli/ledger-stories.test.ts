import { expect } from 'vitest';
import { LEDGER_TRIGGERS } from '../../src/cli/ledger-stories';
import { describeStories } from '../helpers/trigger-stories';

// The settlement and disbursement stories of `kessai trigger`, each told in this process (test/helpers/trigger-stories.ts).

describeStories('kessai trigger settlement.* and disbursement.*', LEDGER_TRIGGERS, (story, made) => {
  // The last object made is the settlement or disbursement, in the state its event names.
  const [resource, state] = story.name.split('.');
  const last = made.at(-1)!;
  expect(last.resource).toBe(resource);
  expect(last.status).toBe(state === 'created' ? 'pending' : state);
});
