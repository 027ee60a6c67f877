import { Command, InvalidArgumentError } from 'commander';
import { loadConfig, localUrl } from '../config';
import { runningServerUrl } from './health';
import { ScenarioClient, ServerRefused, Unreachable } from './scenario/client';
import { knownSecretKey } from './through-server';

/** Exit codes of `kessai run`: a step failed (1); the file, the flags or the server are wrong (2). */
const FAILED = 1;
const UNUSABLE = 2;

interface RunOptions {
  seed?: number;
  server?: string;
  apiKey?: string;
  json?: boolean;
}

/** Stops with exit code 2 and one line on stderr: nothing was run, or not all of it could be. */
function unusable(message: string): never {
  process.stderr.write(`kessai run: ${message}\n`);
  process.exit(UNUSABLE);
}

/**
 * The server and key: `--server` and `--api-key`, else the `kessai serve` running on the data
 * directory (the URL in its lock) and the key the CLI knows (KESSAI_SECRET_KEY or the default
 * merchant's generated key kept beside the database), as `kessai listen` finds them.
 */
function connect(options: RunOptions): ScenarioClient {
  const config = loadConfig();
  const url = (options.server ?? runningServerUrl(config) ?? localUrl(config.host, config.port)).replace(/\/+$/, '');
  const key = options.apiKey ?? knownSecretKey(config)?.key;
  if (!key) unusable('no API key: give --api-key, set KESSAI_SECRET_KEY, or run where `kessai serve` keeps its data (KESSAI_DATA_DIR)');
  return new ScenarioClient(url, key);
}

/** `--seed N`: the server makes this merchant's ids, codes and timestamps follow N from now on. */
async function seedServer(client: ScenarioClient, seed: number): Promise<void> {
  const answer = await client.api('POST', '/test_helpers/seed', { body: { seed } });
  if (answer.http_status === 404) {
    unusable(`the server at ${client.baseUrl} does not support seeds (POST /api/v1/test_helpers/seed answered 404): run without --seed, or update kessai there`);
  }
  if (answer.http_status >= 300) {
    const message = (answer.body as { error?: { message?: unknown } } | null)?.error?.message;
    unusable(`POST /api/v1/test_helpers/seed answered ${answer.http_status}${message ? `: ${String(message)}` : ''}`);
  }
}

async function run(file: string, options: RunOptions): Promise<void> {
  // Loaded here, not at the top: the validator and the YAML parser are for this command only.
  const [{ BadScenario, loadScenario }, { runScenario }, { formatReport }] = await Promise.all([
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
  const client = connect(options);
  let report;
  try {
    if (options.seed !== undefined) await seedServer(client, options.seed);
    report = await runScenario(client, scenario, options.seed ?? null);
  } catch (error) {
    if (error instanceof Unreachable) unusable(`${error.message} (is \`kessai serve\` running? --server names another)`);
    if (error instanceof ServerRefused) unusable(error.message);
    throw error;
  }
  process.stdout.write(options.json ? `${JSON.stringify({ file, ...report }, null, 2)}\n` : formatReport(report));
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
    .option('--seed <n>', "make the merchant's ids, codes and timestamps deterministic from N first (POST /test_helpers/seed)", parseSeed)
    .option('--server <url>', "the server's base URL (default: the running server on the data directory, else HOST and PORT)")
    .option('--api-key <key>', "the merchant's secret key (default: KESSAI_SECRET_KEY, else the default merchant's kept key)")
    .option('--json', 'print the report as JSON')
    // Bad usage is exit 2, as a bad file is: 1 means a step failed.
    .exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : UNUSABLE))
    .action(run);
}
