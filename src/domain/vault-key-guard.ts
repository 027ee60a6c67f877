import type { Db } from '../store/db';
import * as vaultKeysRepo from '../store/vault-keys.repo';
import type { Vault } from '../vault/vault';

/**
 * The database's key does not match this process's: started anyway, it would answer 500 for
 * every card, CVV and password another process sealed, and seal new ones that the others cannot
 * open. `keyId` names the key the database expects (an id, never the key).
 */
export class ClusterKeyMismatch extends Error {
  constructor(readonly keyId: string) {
    super(`the encryption key does not match the database's (key id ${keyId})`);
  }
}

/**
 * Checks, once at start, that this process holds the key the database's secrets are sealed with
 * now (the key vault_keys recorded last), and records this process's active key as the latest.
 * Holding the recorded key is what is asked, not having it active: a rotation starts processes
 * with the new key first and the old one after it, and the first of them to start records the
 * new one, so a process restarted with the old key alone is refused from then on. The first
 * process on a new database records its key.
 *
 *   await checkClusterKey(db, vault); // throws ClusterKeyMismatch on a wrong key
 */
export async function checkClusterKey(db: Db, vault: Vault): Promise<void> {
  const latest = await vaultKeysRepo.latestKey(db);
  if (latest && vault.keyCheck(latest.keyId) !== latest.check) throw new ClusterKeyMismatch(latest.keyId);
  await recordActiveKey(db, vault);
}

/** Records `vault`'s active key as the cluster's (a start, `kessai vault rotate`). */
export async function recordActiveKey(db: Db, vault: Vault): Promise<void> {
  await vaultKeysRepo.recordKey(db, { keyId: vault.activeKeyId, check: vault.keyCheck(vault.activeKeyId)! });
}
