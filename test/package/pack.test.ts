import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basicAuth, testCard } from '../helpers/harness';
import { freePort } from '../helpers/processes';

/**
 * The package as a merchant's developer gets it: `npm pack` (whose prepack builds dist/), the
 * tarball installed into an empty project outside this repository (so nothing of the checkout,
 * tsx included, can be resolved from it), then `npx kessai serve`, one card payment and SIGTERM.
 * npm install fetches the dependencies (from the npm cache when it has them): a minute or two on a
 * busy machine, hence the generous limits.
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SECRET_KEY = 'sk_test_packtest';
const PUBLISHABLE_KEY = 'pk_test_packtest';

const run = promisify(execFile);
let work: string;
let project: string;
let installed: string;
let server: ChildProcess | undefined;

/** The environment of the test run, minus what would leak the checkout or a database into the package. */
function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    // npm_* (set by `npm test`) would point npm at this repository; NODE_OPTIONS could preload tsx;
    // DATABASE_URL and KESSAI_* would hand the server another database or other keys.
    if (!/^(npm_|NODE_OPTIONS$|DATABASE_URL$|KESSAI_|PORT$|HOST$)/i.test(name)) env[name] = value;
  }
  return { ...env, ...extra };
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).map((name) => name.split('\\').join('/'));
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'kessai-pack-'));
  project = join(work, 'project');
  await run('npm', ['pack', '--pack-destination', work], { cwd: ROOT, env: cleanEnv(), maxBuffer: 64 << 20 });
  const tarball = readdirSync(work).find((name) => name.endsWith('.tgz'));
  if (!tarball) throw new Error(`npm pack left no tarball in ${work}`);
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'empty-project', private: true }));
  await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', join(work, tarball)], {
    cwd: project,
    env: cleanEnv(),
    maxBuffer: 64 << 20,
  });
  installed = join(project, 'node_modules', 'kessai');
}, 600_000);

afterAll(async () => {
  if (server?.pid && server.exitCode === null && server.signalCode === null) process.kill(-server.pid, 'SIGKILL');
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the packed kessai', () => {
  it('ships built JavaScript, the files it reads and the migrated database snapshot, without sources or TypeScript', () => {
    const files = filesUnder(installed);
    expect(files.filter((file) => file.endsWith('.ts') && !file.startsWith('node_modules/'))).toEqual([]);
    expect(existsSync(join(installed, 'src'))).toBe(false);
    for (const file of ['LICENSE', 'bin/kessai.js', 'dist/main.js', 'dist/domain/rates.json', 'dist/http/openapi/seed-examples.json', 'dist/web/assets/kessai.css', 'dist/pgdata.tar.gz', 'dist/pgdata.tar.gz.json', 'dist/THIRD-PARTY-LICENSES.md']) {
      expect(files).toContain(file);
    }
  });

  it("ships JavaScript that is all Latin-1: V8 holds a module's source for as long as it runs, at two bytes a character when one is beyond Latin-1", () => {
    // main.js and its chunks, beside it (dist/web/assets/ holds the pages' scripts, run by browsers).
    const scripts = filesUnder(join(installed, 'dist')).filter((file) => file.endsWith('.js') && !file.includes('/'));
    expect(scripts.length).toBeGreaterThan(10);
    const beyondLatin1 = scripts.filter((file) => /[^\u0000-\u00ff]/.test(readFileSync(join(installed, 'dist', file), 'utf8')));
    expect(beyondLatin1).toEqual([]);
  });

  it('installs without tsx or esbuild (nothing is compiled at run time), nor the packages bundled into dist/', () => {
    for (const name of ['tsx', 'esbuild', 'fastify', 'kysely', 'ajv']) {
      expect(existsSync(join(project, 'node_modules', name))).toBe(false);
      expect(existsSync(join(installed, 'node_modules', name))).toBe(false);
    }
  });

  it('packs a shrinkwrap whose dependencies all run on Node 20', () => {
    const shrinkwrap = JSON.parse(readFileSync(join(installed, 'npm-shrinkwrap.json'), 'utf8')) as {
      packages: Record<string, { dev?: boolean; engines?: { node?: string } }>;
    };
    const needing22 = Object.entries(shrinkwrap.packages)
      .filter(([, entry]) => !entry.dev && /^>=\s*2[2-9]/.test(entry.engines?.node ?? ''))
      .map(([path]) => path);
    expect(needing22).toEqual([]);
  });

  it('npx kessai serve answers, takes a card payment, serves its files, and stops on SIGTERM', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    // --no: a package that fails to install its bin must fail here, not fetch "kessai" from the registry.
    // Its own process group: npm exec does not pass SIGTERM on to the server, a group signal reaches every process.
    // As the README's CI section starts it: in memory, the port and fixed keys as flags.
    const flags = ['--memory', '--port', String(port), '--host', '127.0.0.1', '--secret-key', SECRET_KEY, '--publishable-key', PUBLISHABLE_KEY];
    // KESSAI_SMTP_URL: the mail worker (and nodemailer) load only then; a bundle that cannot load them fails here.
    // Nothing is sent: test-mode mails stay in the outbox.
    server = spawn('npx', ['--no', 'kessai', 'serve', ...flags], { cwd: project, detached: true, env: cleanEnv({ KESSAI_SMTP_URL: 'smtp://127.0.0.1:1' }) });
    let output = '';
    server.stdout!.on('data', (chunk) => (output += chunk));
    server.stderr!.on('data', (chunk) => (output += chunk));
    const exited = new Promise<void>((resolve) => server!.on('exit', () => resolve()));

    await waitFor(async () => (await fetch(`${url}/health`)).ok, () => server!.exitCode !== null, () => output);

    const payment = await fetch(`${url}/api/v1/payments`, {
      method: 'POST',
      headers: { authorization: basicAuth(SECRET_KEY), 'content-type': 'application/json' },
      body: JSON.stringify({ amount: 1000, currency: 'JPY', payment_details: testCard() }),
    });
    expect(payment.status, output).toBe(200);
    expect((await payment.json()).status).toBe('captured');
    // Fastify, Ajv and the rest are bundled into dist/: a refused body still gets KOMOJU's envelope.
    const refused = await fetch(`${url}/api/v1/payments`, {
      method: 'POST',
      headers: { authorization: basicAuth(SECRET_KEY), 'content-type': 'application/json' },
      body: JSON.stringify({ amount: 'lots', currency: 'JPY', payment_details: testCard() }),
    });
    expect(refused.status).toBe(422);
    expect((await refused.json()).error).toMatchObject({ code: 'invalid_parameter', param: 'amount' });
    // The Swagger plugins stay installed packages (they read files beside themselves).
    expect((await fetch(`${url}/docs/`)).status).toBe(200);

    // What the code reads from beside itself: its own package.json (the version), the assets.
    const document = await fetch(`${url}/api/v1/openapi.json`);
    expect((await document.json()).info.version).toBe(JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')).version);
    expect((await fetch(`${url}/assets/kessai.css`)).status).toBe(200);
    expect((await fetch(`${url}/payment_methods/credit_card.svg`)).status).toBe(200);

    process.kill(-server.pid!, 'SIGTERM');
    await exited;
    await waitFor(async () => !(await isAnswering(url)), () => false, () => output);
    // --memory: nothing was written where it ran (the default data directory is ./.kessai).
    expect(existsSync(join(project, '.kessai'))).toBe(false);
  }, 300_000);
});

async function isAnswering(url: string): Promise<boolean> {
  try {
    await fetch(`${url}/health`);
    return true;
  } catch {
    return false;
  }
}

/** Polls `check` until it holds; fails at once with the server's output if `gaveUp` says it never will. */
async function waitFor(check: () => Promise<boolean>, gaveUp: () => boolean, output: () => string): Promise<void> {
  for (;;) {
    if (gaveUp()) throw new Error(`kessai exited:\n${output()}`);
    if (await check().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
