import { Command, InvalidArgumentError } from 'commander';
import { loadConfig } from '../config';
import { ApiClient } from './api-client';
import { Refusal } from './refusal';
import { serverTarget, type ServerFlags } from './server-target';
import { liveMerchantRefusal } from './test-merchant';

/** Exit codes of `kessai run`: a step failed (1); the file, the flags or the server are wrong (2). */
const FAILED = 1;
const UNUSABLE = 2;

interface RunOptions extends ServerFlags {
  seed?: number;
  json?: boolean;
}

/** Stops with exit code 2 and one line on stderr: nothing was run, or not all of it could be. */
function unusable(message: string): never {
  process.stderr.write(`kessai run: ${message}\n`);
  process.exit(UNUSABLE);
}

/** A test helper call `--seed` needs: anything but a success stops the run (exit 2), saying what answered. */
async function helper(client: ApiClient, path: string, body: unknown): Promise<void> {
  const answer = await client.api('POST', path, { body });
  if (answer.status === 404) {
    unusable(`the server at ${client.baseUrl} does not support seeds (POST /api/v1${path} answered 404): run without --seed, or update kessai there`);
  }
  if (answer.status >= 300) {
    const message = (answer.body as { error?: { message?: unknown } } | null)?.error?.message;
    unusable(`POST /api/v1${path} answered ${answer.status}${message ? `: ${String(message)}` : ''}`);
  }
}

/**
 * `--seed N`: deletes the merchant's test data first (POST /test_helpers/reset), so that the rows
 * of an earlier run with N do not hold the ids N draws again, then seeds the merchant: its ids,
 * codes and timestamps follow N from now on, and stay so after the run (seededNote).
 */
async function seedServer(client: ApiClient, seed: number): Promise<void> {
  await helper(client, '/test_helpers/reset', {});
  await helper(client, '/test_helpers/seed', { seed });
}

async function run(file: string, options: RunOptions): Promise<void> {
  // Loaded here, not at the top: the validator and the YAML parser are for this command only.
  const [{ BadScenario, loadScenario }, { runScenario }, { formatReport, seededNote }] = await Promise.all([
    import('./scenario/load'),
    import('./scenario/runner'),
    import('./scenario/report'),
  ]);
  let scenario;
  try {
    scenario = loadScenario(file);
  } catch (error) {
    if (error instanceof BadScenario) unusable(error.message);
    throw error;
  }
  let report;
  try {
    // The server and key as for `listen` and `trigger` (docs/cli.md#which-server-and-which-key).
    const client = new ApiClient(serverTarget(loadConfig(), options));
    // Before the first step: on a live merchant the scenario's payments would be real.
    const live = await liveMerchantRefusal(client, 'kessai run');
    if (live) unusable(live);
    if (options.seed !== undefined) await seedServer(client, options.seed);
    report = await runScenario(client, scenario, options.seed ?? null);
  } catch (error) {
    // No key, a server out of reach or refusing the key: nothing could be judged.
    if (error instanceof Refusal) unusable(error.message);
    throw error;
  }
  const note = seededNote(report.seed);
  process.stdout.write(options.json ? `${JSON.stringify({ file, ...report, ...(note ? { note } : {}) }, null, 2)}\n` : `${formatReport(report)}${note ? `${note}\n` : ''}`);
  process.exit(report.passed ? 0 : FAILED);
}

function parseSeed(value: string): number {
  const seed = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(seed)) throw new InvalidArgumentError('must be a non-negative integer');
  return seed;
}

export function runCommand(): Command {
  return new Command('run')
    .description('run a scenario file (JSON or YAML) of API calls, customer actions, clock advances and expectations against a server')
    .argument('<scenario>', 'the scenario file: .json, else YAML')
    .option('--seed <n>', "delete the merchant's test data, then make its ids, codes and timestamps deterministic from N (POST /test_helpers/reset, /test_helpers/seed); it stays seeded", parseSeed)
    .option('--server <url>', "the server's base URL (default: the server running on the data directory, else KESSAI_PUBLIC_URL)")
    .option('--api-key <key>', "the merchant's secret key (default: KESSAI_SECRET_KEY, else the default merchant's kept key)")
    .option('--json', 'print the report as JSON')
    // Bad usage is exit 2, as a bad file is: 1 means a step failed.
    .exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : UNUSABLE))
    .action(run);
}
