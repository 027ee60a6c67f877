import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, afterEach, expect, it } from 'vitest';
import { openPglite } from '../../src/store/driver/pglite';
import { DEFAULT_RAM_FILESYSTEM, RAM_FOLDER_PREFIX, roomyTmpfs } from '../../src/store/driver/pglite-ram-dir';
import { writeSnapshot } from '../../src/store/driver/pglite-snapshot';

// A database in memory (memory://, `serve --memory`) keeps its files in a folder on a RAM
// filesystem, removed when it closes or its process exits. The tests give it a folder of their own
// under /dev/shm (a tmpfs on Linux, as in CI, where its absence fails them), so what they find
// there is their own. Where there is none (macOS) they are skipped.

const usable = roomyTmpfs(DEFAULT_RAM_FILESYSTEM) || process.env.CI === 'true';
const ram = usable ? mkdtempSync(join(DEFAULT_RAM_FILESYSTEM, 'ram-dir-test-')) : '';
afterAll(() => void (ram && rmSync(ram, { recursive: true, force: true })));
const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

const folders = () => readdirSync(ram).filter((name) => name.startsWith('kessai-'));
const ours = (pid: number | string, rest: string) => `${RAM_FOLDER_PREFIX}${pid}-${rest}`;
const ask = async (store: Awaited<ReturnType<typeof openPglite>>) =>
  (await sql<{ n: number }>`SELECT count(*)::int AS n FROM merchants`.execute(store.db)).rows[0].n;

it.runIf(usable)('keeps its files in a folder of its own on the RAM filesystem, which it removes when it closes', async () => {
  const one = await openPglite({ databaseUrl: null, dataDir: 'memory://', ramFilesystem: ram });
  const two = await openPglite({ databaseUrl: null, dataDir: 'memory://', ramFilesystem: ram });
  try {
    expect(folders()).toHaveLength(2);
    for (const folder of folders()) {
      expect(folder.startsWith(ours(process.pid, ''))).toBe(true);
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

it.runIf(usable)("removes a folder left by a process that is gone; leaves a live process's, another pid namespace's and a link alone", async () => {
  const live = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)']);
  children.push(live);
  const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
  // Another container sharing /dev/shm counts pids of its own: its folder names another namespace.
  const elsewhere = `kessai-1-${dead}-other-namespace`;
  for (const name of [ours(dead, 'left'), ours(live.pid!, 'running'), elsewhere]) mkdirSync(join(ram, name, 'pgdata'), { recursive: true });
  // A link named like a folder of a dead process (anyone can make one in /dev/shm): its target stays.
  const target = mkdtempSync(join(tmpdir(), 'kessai-link-target-'));
  writeFileSync(join(target, 'precious'), 'x');
  symlinkSync(target, join(ram, ours(dead, 'link')));
  const store = await openPglite({ databaseUrl: null, dataDir: 'memory://', ramFilesystem: ram });
  try {
    expect(folders()).not.toContain(ours(dead, 'left'));
    expect(folders()).toEqual(expect.arrayContaining([ours(live.pid!, 'running'), elsewhere, ours(dead, 'link')]));
    expect(readdirSync(target)).toEqual(['precious']);
  } finally {
    await store.close();
    for (const name of [ours(live.pid!, 'running'), elsewhere, ours(dead, 'link')]) rmSync(join(ram, name), { recursive: true });
    rmSync(target, { recursive: true });
  }
});

it.runIf(usable)('removes its folder when it cannot open (a snapshot that does not unpack)', async () => {
  const broken = join(mkdtempSync(join(tmpdir(), 'kessai-broken-snapshot-')), 'pgdata.tar.gz');
  writeSnapshot(broken, Buffer.from('not a tarball'), []);
  await expect(openPglite({ databaseUrl: null, dataDir: 'memory://', ramFilesystem: ram, snapshot: broken })).rejects.toThrow(/could not unpack/);
  expect(folders()).toEqual([]);
  expect(process.listenerCount('exit')).toBeLessThan(5);
});

it.runIf(usable)('removes its folder when its process exits without closing it', () => {
  const driver = new URL('../../src/store/driver/pglite.ts', import.meta.url).href;
  const script = `
    const { openPglite } = await import(${JSON.stringify(driver)});
    await openPglite({ databaseUrl: null, dataDir: 'memory://', ramFilesystem: ${JSON.stringify(ram)} });
    process.stdout.write(JSON.stringify((await import('node:fs')).readdirSync(${JSON.stringify(ram)})));
    process.exit(0);`;
  const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 });
  expect(child.status, child.stderr).toBe(0);
  expect(JSON.parse(child.stdout)).toEqual([expect.stringMatching(new RegExp(`^${ours(child.pid!, '')}`))]);
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
