import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { lockedDataDir, type Config } from '../config';
import { DEFAULT_KEYS_FILE } from './database';
import { lockHolder } from './lock';
import { Refusal } from './refusal';

/** The secret key: KESSAI_SECRET_KEY, or the default merchant's generated key kept by `kessai serve`. */
export function knownSecretKey(config: Config): { key: string; remembered: boolean } | null {
  if (config.secretKey) return { key: config.secretKey, remembered: false };
  const file = join(config.dataDir, DEFAULT_KEYS_FILE);
  if (existsSync(file)) return { key: (JSON.parse(readFileSync(file, 'utf8')) as { secret_key: string }).secret_key, remembered: true };
  return null;
}

export interface ServerApi {
  url: string;
  /** Calls the API as the default merchant; answers the JSON body, or throws the error's message. */
  call(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<unknown>;
}

/**
 * The API of the `kessai serve` holding this embedded data directory, when a command can act
 * through it instead of opening the directory itself: as the default merchant, with the key the
 * CLI knows (KESSAI_SECRET_KEY or the generated one kept beside the database). Null when no
 * server holds the directory, it is not listening yet, or no key is known: the command then opens
 * the database, or refuses naming the server.
 */
export function runningServerApi(config: Config): ServerApi | null {
  const dataDir = lockedDataDir(config);
  if (dataDir === null) return null;
  const holder = lockHolder(dataDir);
  const secret = knownSecretKey(config);
  if (holder?.command !== 'kessai serve' || !holder.url || !secret) return null;
  const url = holder.url;
  const authorization = `Basic ${Buffer.from(`${secret.key}:`).toString('base64')}`;
  return {
    url,
    async call(method, path, body) {
      const response = await fetch(`${url}${path}`, {
        method,
        headers: { authorization, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const answer = (await response.json().catch(() => null)) as { error?: { message?: string } } | null;
      if (response.ok) return answer;
      const hint = response.status === 401 && secret.remembered ? ' (the key kept in the data directory was probably rolled in the dashboard: set KESSAI_SECRET_KEY)' : '';
      throw new ServerRefusal(`the server at ${url} answered ${response.status}: ${answer?.error?.message ?? 'no message'}${hint}`);
    },
  };
}

/** The running server refused an API call: one line for the terminal. */
export class ServerRefusal extends Refusal {}
