import { spawn, type ChildProcess } from 'node:child_process';
import { afterEach } from 'vitest';

const BIN = new URL('../../bin/kessai.js', import.meta.url).pathname;

export interface Started {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/**
 * `kessai <args>` as a long-running process (a server), resolved once `ready` appears in its
 * output (the banner's last key line by default); killed after the test if still running.
 */
export function useServers() {
  const running: Started[] = [];
  afterEach(async () => {
    for (const started of running.splice(0)) {
      if (started.child.exitCode === null && started.child.signalCode === null) started.child.kill('SIGKILL');
      await started.exited;
    }
  });
  return async function start(args: string[], env: NodeJS.ProcessEnv, options: { cwd?: string; ready?: string } = {}): Promise<Started> {
    const child = spawn(process.execPath, [BIN, ...args], { env, cwd: options.cwd });
    let output = '';
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const started = { child, output: () => output, exited };
    running.push(started);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`kessai ${args.join(' ')} did not start:\n${output}`)), 120_000);
      const onData = (chunk: Buffer) => {
        output += chunk;
        if (output.includes(options.ready ?? 'publishable key')) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.on('exit', () => {
        clearTimeout(timer);
        reject(new Error(`kessai ${args.join(' ')} exited:\n${output}`));
      });
    });
    return started;
  };
}
