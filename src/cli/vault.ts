import { Command } from 'commander';
import { ConfigError, loadConfig, type Config } from '../config';
import type { RotationReport } from '../domain/vault-rotation';
import { withDatabase } from './database';

/**
 * `kessai vault rotate`: with the keyring file (no KESSAI_ENCRYPTION_KEY), adds a new random key
 * and makes it active; with KESSAI_ENCRYPTION_KEY, the first key of the list is the new one (the
 * operator put it there). Either way every envelope another key sealed is then re-sealed with the
 * active key. Older keys stay in the keyring: drop one only once no envelope of it is left.
 */
export function vaultCommand(): Command {
  const vault = new Command('vault').description('manage the keys that encrypt card numbers, CVVs and other secrets at rest');
  vault
    .command('rotate')
    .description('seal every stored secret with a new key (keyring file) or the first KESSAI_ENCRYPTION_KEY; older keys stay readable')
    .action(async () => {
      process.stdout.write(formatRotation(await rotateVault(loadConfig())));
    });
  return vault;
}

export async function rotateVault(config: Config): Promise<RotationReport> {
  if (!config.encryptionKey && config.dataDir.startsWith('memory://')) {
    throw new ConfigError('KESSAI_DATA_DIR is in memory: there is no keyring to rotate');
  }
  return withDatabase(
    'vault rotate',
    // The keyring file gains its key only once the directory is this command's (withDatabase's lock).
    async (services) => {
      const [{ resealAll }, { addKeyringKey }] = await Promise.all([import('../domain/vault-rotation'), import('../vault/vault')]);
      return resealAll(services.db, config.encryptionKey ? services.vault : addKeyringKey(config.dataDir));
    },
    config,
  );
}

function formatRotation(report: RotationReport): string {
  const lines = [`active key ${report.keyId}`];
  for (const [column, count] of Object.entries(report.resealed)) {
    const keys = Object.entries(report.byKey[column]).map(([key, n]) => `${key}: ${n}`).join(', ') || 'empty';
    lines.push(`  ${column}: re-sealed ${count} (now ${keys})`);
  }
  return `${lines.join('\n')}\n`;
}
