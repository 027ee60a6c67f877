import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort } from '../helpers/processes';

/**
 * examples/ci.sh, run as a merchant's CI runs it (README, "Use kessai in CI"): it starts kessai,
 * waits for it, runs the app's tests pointed at it and stops it, whatever the tests' outcome.
 */
const SCRIPT = new URL('../../examples/ci.sh', import.meta.url).pathname;
const BIN = new URL('../../bin/kessai.js', import.meta.url).pathname;

/** A tiny "app test": pays with the Visa test card through the environment the script sets. */
const APP_TEST = `
const auth = 'Basic ' + Buffer.from(process.env.KOMOJU_SECRET_KEY + ':').toString('base64');
const response = await fetch(process.env.KOMOJU_API_URL + '/payments', {
  method: 'POST',
  headers: { authorization: auth, 'content-type': 'application/json' },
  body: JSON.stringify({
    amount: 1000,
    currency: 'JPY',
    payment_details: { type: 'credit_card', number: '4111111111111111', month: 12, year: 2030, verification_value: '123' },
  }),
});
const payment = await response.json();
console.log('app test: payment', payment.status, 'with', process.env.KOMOJU_PUBLISHABLE_KEY);
process.exit(payment.status === 'captured' ? 0 : 1);
`;

function runScript(port: number, command: string[]): Promise<{ code: number | null; output: string; log: string }> {
  const log = join(mkdtempSync(join(tmpdir(), 'kessai-ci-')), 'kessai.log');
  const env = {
    ...process.env,
    KESSAI: `${process.execPath} ${BIN}`,
    KESSAI_PORT: String(port),
    KESSAI_LOG: log,
    // Generous for a busy 2-core machine: this is a wait for readiness, not a timing check.
    KESSAI_WAIT: '180',
  };
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [SCRIPT, ...command], { env });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output, log: existsSync(log) ? readFileSync(log, 'utf8') : '' }));
  });
}

/** Whether anything still answers on the port the script's server used. */
async function answers(port: number): Promise<boolean> {
  try {
    await fetch(`http://127.0.0.1:${port}/health`);
    return true;
  } catch {
    return false;
  }
}

describe('examples/ci.sh', () => {
  it("runs the app's tests against kessai, exits 0 when they pass, and stops kessai", async () => {
    const port = await freePort();
    const { code, output, log } = await runScript(port, [process.execPath, '--input-type=module', '-e', APP_TEST]);
    expect(code, `${output}\n${log}`).toBe(0);
    expect(output).toContain('app test: payment captured with pk_test_ci');
    expect(await answers(port)).toBe(false);
  }, 300_000);

  it('refuses to run the tests when another server already answers on the port', async () => {
    const port = await freePort();
    const other = createServer((_request, response) => response.end('ok'));
    await new Promise<void>((resolve) => other.listen(port, '127.0.0.1', resolve));
    try {
      const { code, output } = await runScript(port, [process.execPath, '-e', 'console.log("app test ran")']);
      expect(code).toBe(1);
      expect(output).toContain(`something already answers on port ${port}`);
      expect(output).not.toContain('app test ran');
    } finally {
      await new Promise((resolve) => other.close(resolve));
    }
  }, 300_000);

  it("exits with the app's failing status, and still stops kessai", async () => {
    const port = await freePort();
    const { code, output, log } = await runScript(port, [process.execPath, '-e', 'process.exit(3)']);
    expect(code, `${output}\n${log}`).toBe(3);
    expect(await answers(port)).toBe(false);
  }, 300_000);
});
