import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { acquireLock, DataDirBusyError, LOCK_FILE, lockHolder } from '../../src/cli/lock';

// The lock's rules in one process; test/cli/safety.test.ts checks them across real kessai processes.
const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

/** A live process other than this one, to stand for a server holding the directory. */
function liveProcess(): number {
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)']);
  children.push(child);
  return child.pid!;
}

const directory = () => mkdtempSync(join(tmpdir(), 'kessai-lock-'));
const advice = () => 'stop it';
const writeLock = (dir: string, holder: object) => writeFileSync(join(dir, LOCK_FILE), JSON.stringify(holder));

describe('the data directory lock', () => {
  it('refuses while a live process holds it, naming the holder in one line, and is taken over once that process is gone', async () => {
    const dir = directory();
    const pid = liveProcess();
    writeLock(dir, { pid, command: 'kessai serve', url: 'http://127.0.0.1:3000', port: 3000, nonce: 'x' });
    expect(lockHolder(dir)?.pid).toBe(pid);
    let refusal: unknown;
    try {
      acquireLock(dir, 'kessai migrate', advice);
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(DataDirBusyError);
    expect((refusal as Error).message).toBe(`kessai serve (pid ${pid}, http://127.0.0.1:3000) is using ${dir} — stop it`);

    children[0].kill('SIGKILL');
    await new Promise((resolve) => children[0].once('exit', resolve));
    expect(lockHolder(dir)).toBeNull();
    const lock = acquireLock(dir, 'kessai migrate', advice);
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8'))).toMatchObject({ pid: process.pid, command: 'kessai migrate' });
    lock.release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  });

  it('takes over a lock naming its own pid (a restarted container) or a corrupt one', () => {
    const dir = directory();
    writeLock(dir, { pid: process.pid, command: 'kessai serve', url: null, port: null, nonce: 'earlier life' });
    acquireLock(dir, 'kessai serve', advice).release();
    writeFileSync(join(dir, LOCK_FILE), '{"pid":');
    acquireLock(dir, 'kessai serve', advice).release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  });

  it('records the address, and a release never removes a lock another process took over', () => {
    const dir = directory();
    const lock = acquireLock(dir, 'kessai serve', advice);
    lock.update({ url: 'http://127.0.0.1:4321', port: 4321 });
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8'))).toMatchObject({ url: 'http://127.0.0.1:4321', port: 4321 });
    const pid = liveProcess();
    writeLock(dir, { pid, command: 'kessai serve', url: null, port: null, nonce: 'theirs' });
    lock.release();
    expect(lockHolder(dir)?.pid).toBe(pid);
  });
});
