import { Command, InvalidArgumentError } from 'commander';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfig, localUrl, type Config } from '../config';
import { runningServerUrl } from './server-target';

/**
 * Where the server is: the running server's URL, else the configured host and port. Not
 * KESSAI_PUBLIC_URL, unlike the client commands: health asks about the server on this machine.
 */
function defaultUrl(config: Config): string {
  return runningServerUrl(config) ?? localUrl(config.host, config.port);
}

/** One GET /health: null when it answered 200, else what went wrong. */
async function check(url: string, timeoutMs: number): Promise<string | null> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    await response.body?.cancel();
    return response.status === 200 ? null : `HTTP ${response.status}`;
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    return cause ?? (error instanceof Error ? error.message : String(error));
  }
}

/**
 * `kessai health [--wait SECONDS] [--url URL]`: for scripts that start a server and must wait for
 * it (CI). Exits 0 once GET /health answers 200, or 1 with one line saying what it last got.
 */
async function health(options: { wait?: number; url?: string }): Promise<void> {
  const config = options.url === undefined ? loadConfig() : null;
  const deadline = Date.now() + (options.wait ?? 0) * 1000;
  for (;;) {
    // Found again on each try: a server starting meanwhile writes its lock once it listens.
    const url = healthUrl(options.url ?? defaultUrl(config!));
    const failure = await check(url, Math.max(500, Math.min(2000, deadline - Date.now())));
    if (failure === null) {
      process.stdout.write(`ok ${url}\n`);
      return;
    }
    if (Date.now() >= deadline) {
      const waited = options.wait ? ` within ${options.wait} s` : '';
      process.stderr.write(`kessai: ${url} did not answer 200${waited} (last: ${failure})\n`);
      process.exit(1);
    }
    await sleep(Math.min(250, Math.max(0, deadline - Date.now())));
  }
}

function healthUrl(base: string): string {
  const trimmed = base.replace(/\/+$/, '');
  return trimmed.endsWith('/health') ? trimmed : `${trimmed}/health`;
}

function parseSeconds(value: string): number {
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds < 0) throw new InvalidArgumentError('must be a number of seconds');
  return seconds;
}

export function healthCommand(): Command {
  return new Command('health')
    .description("check that a server answers GET /health (exit 0), or wait for it with --wait")
    .option('--wait <seconds>', 'keep trying for up to this many seconds', parseSeconds)
    .option('--url <url>', "the server's base URL (default: the running server's, from the data directory's lock, else HOST and PORT)")
    .action(health);
}
