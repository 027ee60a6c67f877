import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * The floors' import rules (.dependency-cruiser.cjs, docs/architecture.md) hold on src/, and
 * each rule catches the import it forbids: a tree with one wrong import per rule fails them all.
 */
const run = promisify(execFile);
const root = resolve(import.meta.dirname, '../..');
const depcruise = join(root, 'node_modules/.bin/depcruise');
const config = join(root, '.dependency-cruiser.cjs');

async function cruise(cwd: string): Promise<{ failed: boolean; output: string }> {
  try {
    const { stdout } = await run(depcruise, ['src', '--config', config, '--output-type', 'err'], { cwd });
    return { failed: false, output: stdout };
  } catch (error) {
    const { stdout, stderr } = error as { stdout: string; stderr: string };
    return { failed: true, output: stdout + stderr };
  }
}

/** One file per rule, each importing what its rule forbids; `to` files are empty modules. */
const BROKEN: Record<string, [from: string, to: string]> = {
  'entry-points-reach-store-through-domain': ['src/http/route.ts', 'src/store/payments.repo.ts'],
  'domain-knows-no-transport': ['src/domain/command.ts', 'src/wire/payment.ts'],
  'domain-gets-upstreams-through-services': ['src/domain/secure-tokens.ts', 'src/processors/three-d-secure.ts'],
  'wire-renders-models-only': ['src/wire/session.ts', 'src/domain/sessions.ts'],
  'methods-below-domain': ['src/methods/konbini.ts', 'src/domain/money.ts'],
  'processors-below-methods': ['src/processors/test-processor.ts', 'src/methods/method.ts'],
  'store-below-domain': ['src/store/db.ts', 'src/domain/errors.ts'],
  'vault-on-lib': ['src/vault/vault.ts', 'src/store/keys.repo.ts'],
  'model-imports-nothing': ['src/model/payment.ts', 'src/kernel/money.ts'],
  'kernel-on-lib': ['src/kernel/errors.ts', 'src/methods/index.ts'],
  'lib-imports-nothing': ['src/lib/clock.ts', 'src/kernel/errors.ts'],
  'only-entry-points-import-the-wiring': ['src/web/page.ts', 'src/app.ts'],
};

function brokenTree(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kessai-imports-'));
  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  };
  write('tsconfig.json', '{"compilerOptions":{"module":"ESNext","moduleResolution":"Bundler"}}');
  // Targets first: a file can be the target of one rule and the importer of another.
  for (const [, to] of Object.values(BROKEN)) write(to, 'export const x = 1;\n');
  for (const [from, to] of Object.values(BROKEN)) {
    const up = dirname(from).split('/').slice(1).map(() => '..').join('/') || '.';
    write(from, `import { x as y } from '${up}/${to.replace(/^src\//, '').replace(/\.ts$/, '')}';\nexport const x = y;\n`);
  }
  // A cycle: two domain files importing each other.
  write('src/domain/a.ts', "import { b } from './b';\nexport const a = () => b;\n");
  write('src/domain/b.ts', "import { a } from './a';\nexport const b = () => a;\n");
  return dir;
}

describe('import rules', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  it('hold on src/', async () => {
    const { failed, output } = await cruise(root);
    expect(output).toContain('no dependency violations');
    expect(failed).toBe(false);
  }, 60_000);

  it('each catches the import it forbids, and a cycle', async () => {
    const dir = brokenTree();
    dirs.push(dir);
    const { failed, output } = await cruise(dir);
    expect(failed).toBe(true);
    for (const [rule, [from, to]] of Object.entries(BROKEN)) expect(output).toContain(`${rule}: ${from} → ${to}`);
    expect(output).toMatch(/no-cycles: src\/domain\/[ab]\.ts/);
  }, 60_000);
});
