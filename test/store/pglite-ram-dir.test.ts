import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, afterEach, expect, it } from 'vitest';
import { openPglite } from '../../src/store/driver/pglite';
import { DEFAULT_RAM_FILESYSTEM } from '../../src/store/driver/pglite-ram-dir';

// A database in memory (memory://, `serve --memory`) keeps its files in a folder on a RAM
// filesystem, removed when it closes or its process exits. Each test gives it a folder of its own
// under /dev/shm (a tmpfs on Linux, as in CI), so what it finds there is its own.

const ram = mkdtempSync(join(DEFAULT_RAM_FILESYSTEM, 'ram-dir-test-'));
afterAll(() => rmSync(ram, { recursive: true, force: true }));
const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

const folders = () => readdirSync(ram).filter((name) => name.startsWith('kessai-'));
const ask = async (store: Awaited<ReturnType<typeof openPglite>>) =>
  (await sql<{ n: number }>`SELECT count(*)::int AS n FROM merchants`.execute(store.db)).rows[0].n;

it('keeps its files in a folder of its own on the RAM filesystem, which it removes when it closes', async () => {
  const one = await openPglite({ databaseUrl: null, dataDir: 'memory://', ramFilesystem: ram });
  const two = await openPglite({ databaseUrl: null, dataDir: 'memory://', ramFilesystem: ram });
  try {
    expect(folders()).toHaveLength(2);
    for (const folder of folders()) {
      expect(folder).toMatch(new RegExp(`^kessai-${process.pid}-`));
      expect(existsSync(join(ram, folder, 'pgdata', 'PG_VERSION'))).toBe(true);
    }
    await sql`CREATE TABLE only_in_one (x int)`.execute(one.db);
    const found = async (store: typeof one) => (await sql<{ t: string | null }>`SELECT to_regclass('only_in_one')::text AS t`.execute(store.db)).rows[0].t;
    expect([await found(one), await found(two)]).toEqual(['only_in_one', null]);
  } finally {
    await one.close();
  }
  expect(folders()).toHaveLength(1);
  await two.close();
  expect(folders()).toEqual([]);
});

it("removes a folder left by a process that is gone, and leaves a live process's folder and a link alone", async () => {
  const live = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)']);
  children.push(live);
  const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
  mkdirSync(join(ram, `kessai-${dead}-left`, 'pgdata'), { recursive: true });
  mkdirSync(join(ram, `kessai-${live.pid}-running`, 'pgdata'), { recursive: true });
  // A link named like a folder of a dead process (anyone can make one in /dev/shm): its target stays.
  const target = mkdtempSync(join(tmpdir(), 'kessai-link-target-'));
  writeFileSync(join(target, 'precious'), 'x');
  symlinkSync(target, join(ram, `kessai-${dead}-link`));
  const store = await openPglite({ databaseUrl: null, dataDir: 'memory://', ramFilesystem: ram });
  try {
    expect(folders()).not.toContain(`kessai-${dead}-left`);
    expect(folders()).toContain(`kessai-${live.pid}-running`);
    expect(readdirSync(target)).toEqual(['precious']);
  } finally {
    await store.close();
    for (const name of [`kessai-${live.pid}-running`, `kessai-${dead}-link`]) rmSync(join(ram, name), { recursive: true });
    rmSync(target, { recursive: true });
  }
});

it('removes its folder when its process exits without closing it', () => {
  const driver = new URL('../../src/store/driver/pglite.ts', import.meta.url).href;
  const script = `
    const { openPglite } = await import(${JSON.stringify(driver)});
    await openPglite({ databaseUrl: null, dataDir: 'memory://', ramFilesystem: ${JSON.stringify(ram)} });
    process.stdout.write(JSON.stringify((await import('node:fs')).readdirSync(${JSON.stringify(ram)})));
    process.exit(0);`;
  const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 });
  expect(child.status, child.stderr).toBe(0);
  expect(JSON.parse(child.stdout)).toEqual([expect.stringMatching(new RegExp(`^kessai-${child.pid}-`))]);
  expect(folders()).toEqual([]);
});

it('without a RAM filesystem (not a tmpfs, or too full) the database lives in PGlite\'s own memory', async () => {
  const disk = mkdtempSync(join(tmpdir(), 'kessai-not-ram-'));
  for (const ramFilesystem of [disk, null]) {
    const store = await openPglite({ databaseUrl: null, dataDir: 'memory://', ramFilesystem });
    try {
      expect(await ask(store)).toBe(0);
      expect(readdirSync(disk)).toEqual([]);
    } finally {
      await store.close();
    }
  }
  rmSync(disk, { recursive: true });
});
