import { lockedDataDir, type Config } from '../config';
import { ApiClient } from './api-client';
import { lockHolder } from './lock';
import { Refusal } from './refusal';
import { knownSecretKey, ROLLED_KEY_HINT } from './server-target';

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
  const client = new ApiClient({ url, source: `the server running on ${dataDir}`, ...secret });
  return {
    url,
    async call(method, path, body) {
      const answer = await client.api(method, path, { body });
      if (answer.status >= 200 && answer.status < 300) return answer.body;
      const message = (answer.body as { error?: { message?: string } } | null)?.error?.message ?? 'no message';
      const hint = answer.status === 401 && secret.remembered ? ` (${ROLLED_KEY_HINT})` : '';
      throw new ServerRefusal(`the server at ${url} answered ${answer.status}: ${message}${hint}`);
    },
  };
}

/** The running server refused an API call: one line for the terminal. */
export class ServerRefusal extends Refusal {}
