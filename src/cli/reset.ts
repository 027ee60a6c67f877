import { Command } from 'commander';
import { loadConfig } from '../config';
import { FROZEN_EPOCH, isoSeconds } from '../lib/clock';
import { actingMerchant, withDatabase } from './database';
import { Refusal } from './refusal';
import { runningServerApi } from './through-server';

/** The API's answer (wire/test-data.ts serializeTestDataReset), whichever way the reset ran. */
type ResetJson = Record<string, unknown> & { clock: { now: string; offset_seconds: number } };

/**
 * Resets on the database: the domain's resetTestData, answered as the API answers it. A refusal
 * of the domain (a live merchant) is one line, as the API's would be.
 */
async function resetOnDatabase(merchant: string | undefined, orThroughServer: string | undefined): Promise<ResetJson> {
  return withDatabase(
    'reset',
    async (services) => {
      const [{ resetTestData }, { serializeTestDataReset }, { ApiError }] = await Promise.all([
        import('../domain/test-data-reset'),
        import('../wire/test-data'),
        import('../kernel/errors'),
      ]);
      const actor = await actingMerchant(services, merchant);
      try {
        return serializeTestDataReset(await resetTestData(services, actor)) as ResetJson;
      } catch (error) {
        if (error instanceof ApiError && error.status < 500) throw new Refusal(error.message);
        throw error;
      }
    },
    loadConfig(),
    orThroughServer,
  );
}

/** `payments  3` lines for the kinds that had rows, then where the clock stands. */
function describe(reset: ResetJson): string {
  const counts = Object.entries(reset).filter(([key, value]) => key !== 'resource' && typeof value === 'number') as [string, number][];
  const removed = counts.filter(([, count]) => count > 0);
  const width = Math.max(0, ...removed.map(([kind]) => kind.length));
  const deleted = removed.length ? `deleted:\n${removed.map(([kind, count]) => `  ${kind.padEnd(width)}  ${count}\n`).join('')}` : 'there was no test data to delete\n';
  // A seeded merchant's clock starts over at the frozen epoch, not at real time (docs/testing.md, "Determinism").
  const where = reset.clock.now === isoSeconds(FROZEN_EPOCH) ? "back at the seeded merchant's start" : 'back at real time';
  return `${deleted}the test clock is ${where} (${reset.clock.now})\n`;
}

/**
 * `kessai reset [--merchant ID] [--json]`: deletes a test-mode merchant's test data, as
 * POST /api/v1/test_helpers/reset does (domain/test-data-reset.ts), without asking. While `kessai
 * serve` holds the embedded data directory, the default merchant's reset goes through its API
 * (the server owns the database then); otherwise it runs on the database.
 */
export function resetCommand(): Command {
  return new Command('reset')
    .description("delete a test-mode merchant's test data (payments, sessions, tokens, customers, events …) and rewind its clock; keys, webhooks, users and settings stay")
    .option('--merchant <id>', 'merchant id (default: the default merchant)')
    .option('--json', 'print what was deleted as the API answers it')
    .action(async (options: { merchant?: string; json?: boolean }) => {
      const api = options.merchant === undefined ? runningServerApi(loadConfig()) : null;
      // A server started with --secret-key kept no key where this command could find it.
      const orThroughServer = options.merchant === undefined ? "set KESSAI_SECRET_KEY to the server's secret key (this command then goes through it)" : undefined;
      const reset = api ? ((await api.call('POST', '/api/v1/test_helpers/reset', {})) as ResetJson) : await resetOnDatabase(options.merchant, orThroughServer);
      process.stdout.write(options.json ? `${JSON.stringify(reset)}\n` : describe(reset));
    });
}
