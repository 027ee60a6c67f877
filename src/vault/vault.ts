import { createCipheriv, createDecipheriv, createHmac, createSecretKey, hkdfSync, randomBytes, type KeyObject } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sha256Hex } from '../lib/digest';
import { pooledRandomBytes } from '../lib/random';

/**
 * Encryption at rest for card and prepaid numbers, CVVs of unused tokens, passwords and
 * birthdays (AES-256-GCM). Each ciphertext carries the id of the key that sealed it, in front —
 * `kid.iv.tag.ciphertext`, base64url — so keys can be rotated: new data is sealed with the active
 * key, old data stays readable while its key is in the keyring, and `kessai vault rotate`
 * re-seals everything an older key sealed.
 *
 *   const vault = openVault({ dataDir: './.kessai', encryptionKey: null });
 *   const sealed = vault.seal({ number: '4111111111111111' }); // 'k3f9a01bc.…'
 *   vault.open(sealed); // { number: '4111111111111111' }
 *   keyIdOf(sealed) === vault.activeKeyId; // true
 */
export interface Vault {
  seal(value: Record<string, unknown>): string;
  open(envelope: string): Record<string, unknown>;
  /**
   * A keyed digest (HMAC-SHA256, key derived from the active key) for comparing data that may
   * hold card numbers without storing anything that could be brute-forced back to them — e.g.
   * idempotency fingerprints of request bodies. Rotating the key changes it: an idempotency key
   * reused across a rotation (within its 24 hours) answers 422 instead of replaying.
   */
  fingerprint(data: string): string;
  /**
   * The check value of key `keyId` (HMAC-SHA256 of a fixed text under the key): equal for equal
   * keys, and the key cannot be found from it. Null when the keyring has no such key. What the
   * database records to tell a process started with another key (domain/vault-key-guard.ts).
   */
  keyCheck(keyId: string): string | null;
  readonly activeKeyId: string;
}

export interface Keyring {
  active: string;
  keys: Record<string, string>;
}

const KEYRING_FILE = 'vault-keys.json';
const KEY_CHECK_TEXT = 'kessai vault key check';

/** The id of the key that sealed `envelope`. */
export function keyIdOf(envelope: string): string {
  return envelope.slice(0, envelope.indexOf('.'));
}

export function vaultFromKeyring(keyring: Keyring): Vault {
  // KeyObjects, so that each seal and open does not import the raw key again.
  const keys = new Map<string, KeyObject>(Object.entries(keyring.keys).map(([id, hex]) => [id, createSecretKey(Buffer.from(hex, 'hex'))]));
  const activeKey = keys.get(keyring.active);
  if (!activeKey || activeKey.symmetricKeySize !== 32) throw new Error('vault: the active key is missing or not 32 bytes');
  const fingerprintKey = Buffer.from(hkdfSync('sha256', activeKey, Buffer.alloc(0), 'kessai fingerprint', 32));
  return {
    activeKeyId: keyring.active,
    fingerprint: (data) => createHmac('sha256', fingerprintKey).update(data).digest('hex'),
    keyCheck(keyId) {
      const key = keys.get(keyId);
      return key ? createHmac('sha256', key).update(KEY_CHECK_TEXT).digest('hex') : null;
    },
    seal(value) {
      // A random 96-bit nonce per seal: safe for 2^32 seals under one key (NIST SP 800-38D).
      const iv = pooledRandomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', activeKey, iv);
      const ciphertext = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
      return [keyring.active, iv, cipher.getAuthTag(), ciphertext]
        .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
        .join('.');
    },
    open(envelope) {
      const [id, iv, tag, ciphertext] = envelope.split('.');
      const key = keys.get(id);
      if (!key) throw new UnknownKeyError(id);
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      const plain = Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]);
      return JSON.parse(plain.toString('utf8'));
    },
  };
}

class UnknownKeyError extends Error {
  constructor(readonly keyId: string) {
    super(`vault: no key ${keyId} in the keyring`);
  }
}

/** Key id of a configured key: a digest prefix, so every process names the same key alike. */
const configuredKeyId = (hex: string) => `k${sha256Hex(hex).slice(0, 8)}`;

/**
 * The vault for this process.
 * - `KESSAI_ENCRYPTION_KEY`: one key, or a comma-separated list whose first key seals and whose
 *   others stay readable (rotation: put a new key first, restart, `kessai vault rotate`).
 * - Otherwise the keyring file in the data directory, created (mode 0600) with a fresh random key
 *   on first use. When it meets a key id it does not know — `kessai vault rotate` added a key
 *   while this process ran — it reads the file again and adopts its active key.
 */
export function openVault(options: { dataDir: string; encryptionKey: string | null }): Vault {
  if (options.encryptionKey) {
    const hexKeys = options.encryptionKey.split(',').map((key) => key.trim());
    const keys = Object.fromEntries(hexKeys.map((hex) => [configuredKeyId(hex), hex]));
    return vaultFromKeyring({ active: configuredKeyId(hexKeys[0]), keys });
  }
  if (options.dataDir.startsWith('memory://')) {
    return vaultFromKeyring({ active: 'kmem', keys: { kmem: randomBytes(32).toString('hex') } });
  }
  const file = keyringFile(options.dataDir);
  let current = vaultFromKeyring(readKeyring(file));
  return {
    get activeKeyId() {
      return current.activeKeyId;
    },
    seal: (value) => current.seal(value),
    fingerprint: (data) => current.fingerprint(data),
    keyCheck: (keyId) => current.keyCheck(keyId),
    open(envelope) {
      try {
        return current.open(envelope);
      } catch (error) {
        if (!(error instanceof UnknownKeyError)) throw error;
        current = vaultFromKeyring(readKeyring(file));
        return current.open(envelope);
      }
    },
  };
}

/**
 * Adds a fresh random key to the keyring file and makes it the active one; the older keys stay,
 * so what they sealed can still be opened (and re-sealed). Returns the vault with the new key.
 */
export function addKeyringKey(dataDir: string): Vault {
  const file = keyringFile(dataDir);
  const keyring = readKeyring(file);
  let id: string;
  do id = `k${randomBytes(4).toString('hex')}`;
  while (keyring.keys[id]);
  const next: Keyring = { active: id, keys: { ...keyring.keys, [id]: randomBytes(32).toString('hex') } };
  // Written beside and renamed over: a crash never leaves a half-written keyring.
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify(next, null, 2), { mode: 0o600 });
  renameSync(temporary, file);
  return vaultFromKeyring(next);
}

function keyringFile(dataDir: string): string {
  const file = join(dataDir, KEYRING_FILE);
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const id = `k${randomBytes(4).toString('hex')}`;
    writeFileSync(file, JSON.stringify({ active: id, keys: { [id]: randomBytes(32).toString('hex') } }, null, 2), { mode: 0o600, flag: 'wx' });
  }
  chmodSync(file, 0o600);
  return file;
}

function readKeyring(file: string): Keyring {
  return JSON.parse(readFileSync(file, 'utf8')) as Keyring;
}
