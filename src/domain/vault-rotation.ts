import type { Db } from '../store/db';
import * as sealedRepo from '../store/sealed-columns.repo';
import { SEALED_COLUMNS } from '../store/sealed-columns.repo';
import type { Vault } from '../vault/vault';
import { recordActiveKey } from './vault-key-guard';

const PAGE = 500;

export interface RotationReport {
  keyId: string;
  /** Envelopes re-sealed with `keyId`, per `table.column`. */
  resealed: Record<string, number>;
  /** Envelopes per key id after the rotation, per `table.column` (all under `keyId` unless rows changed meanwhile). */
  byKey: Record<string, Record<string, number>>;
}

/**
 * Re-seals every envelope of every sealed column that another key sealed, with `vault`'s active
 * key (`kessai vault rotate`), recorded first as the cluster's key. The vault must still hold
 * the older keys, to open them. Each row is
 * replaced on its own, only if unchanged since read, so it runs beside live traffic; a row that
 * a stale process re-seals with an old key meanwhile stays readable and is caught by the next run.
 */
export async function resealAll(db: Db, vault: Vault): Promise<RotationReport> {
  const report: RotationReport = { keyId: vault.activeKeyId, resealed: {}, byKey: {} };
  // First: from here on, a process started without the new key is refused (vault-key-guard.ts).
  await recordActiveKey(db, vault);
  for (const column of SEALED_COLUMNS) {
    const name = `${column.table}.${column.column}`;
    let resealed = 0;
    let afterId = '';
    for (;;) {
      const page = await sealedRepo.sealedByOtherKeys(db, column, vault.activeKeyId, afterId, PAGE);
      for (const value of page) {
        if (await sealedRepo.replaceEnvelope(db, column, value, vault.seal(vault.open(value.envelope)))) resealed++;
      }
      if (page.length < PAGE) break;
      afterId = page[page.length - 1].id;
    }
    report.resealed[name] = resealed;
    report.byKey[name] = await sealedRepo.countByKey(db, column);
  }
  return report;
}
