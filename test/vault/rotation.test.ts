import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resealAll } from '../../src/domain/vault-rotation';
import { SEALED_COLUMNS } from '../../src/store/sealed-columns.repo';
import { addKeyringKey, keyIdOf, openVault, vaultFromKeyring } from '../../src/vault/vault';
import { startHarness, testCard, type Harness, type TestMerchant } from '../helpers/harness';

/**
 * Key rotation: every envelope of every sealed column is re-sealed with the new key, the old key
 * is no longer needed for any of them, and what was stored still pays — a customer's card, an
 * unused token — after the rotation.
 */

const OLD = randomBytes(32).toString('hex');
const NEW = randomBytes(32).toString('hex');

let h: Harness;
let m: TestMerchant;
beforeAll(async () => {
  h = await startHarness();
  h.services.vault = vaultFromKeyring({ active: 'kold', keys: { kold: OLD } });
  m = await h.merchant();
});
afterAll(() => h.close());

async function envelopes(): Promise<string[]> {
  const all: string[] = [];
  for (const { table, column } of SEALED_COLUMNS) {
    const rows = await h.store.db.selectFrom(table).select(column).where(column, 'is not', null).execute();
    all.push(...rows.map((row) => (row as Record<string, string>)[column]));
  }
  return all;
}

const post = (url: string, json: unknown, key = m.secretKey) => h.request({ method: 'POST', url, key, json });

describe('kessai vault rotate (resealAll)', () => {
  it('re-seals every secret with the new key and still pays with a stored customer and a token', async () => {
    const customer = await post('/api/v1/customers', { payment_details: testCard({ number: '5555555555554444' }) });
    const token = await post('/api/v1/tokens', { payment_details: { type: 'web_money', prepaid_number: '1111111111111111', email: 'a@example.com' } }, m.publishableKey);
    const payment = await post('/api/v1/payments', { amount: 1000, currency: 'JPY', payment_details: testCard() });
    expect([customer.status, token.status, payment.status]).toEqual([200, 200, 200]);
    const before = await envelopes();
    expect(before.length).toBeGreaterThanOrEqual(3);
    expect(new Set(before.map(keyIdOf))).toEqual(new Set(['kold']));

    const rotated = vaultFromKeyring({ active: 'knew', keys: { kold: OLD, knew: NEW } });
    h.services.vault = rotated;
    const report = await resealAll(h.store.db, rotated);
    expect(report.keyId).toBe('knew');
    expect(Object.values(report.resealed).reduce((a, b) => a + b, 0)).toBe(before.length);
    for (const counts of Object.values(report.byKey)) expect(Object.keys(counts).every((key) => key === 'knew')).toBe(true);

    const after = await envelopes();
    expect(after).toHaveLength(before.length);
    expect(new Set(after.map(keyIdOf))).toEqual(new Set(['knew']));
    // Nothing needs the old key any more: a vault holding only the new one opens everything.
    const newOnly = vaultFromKeyring({ active: 'knew', keys: { knew: NEW } });
    for (const envelope of after) expect(() => newOnly.open(envelope)).not.toThrow();
    const card = after.map((envelope) => newOnly.open(envelope)).find((opened) => opened.number === '5555555555554444');
    expect(card).toBeDefined();

    h.services.vault = newOnly;
    const byCustomer = await post('/api/v1/payments', { amount: 1000, currency: 'JPY', customer: customer.body.id });
    expect(byCustomer.status, byCustomer.text).toBe(200);
    expect(byCustomer.body.payment_details.last_four_digits).toBe('4444');
    const byToken = await post('/api/v1/payments', { amount: 1000, currency: 'JPY', payment_details: token.body.id });
    expect(byToken.status, byToken.text).toBe(200);

    // A second run finds nothing left to do.
    const again = await resealAll(h.store.db, newOnly);
    expect(Object.values(again.resealed).every((count) => count === 0)).toBe(true);
  });
});

describe('keyrings', () => {
  it('KESSAI_ENCRYPTION_KEY as a list: the first key seals, the others still open', () => {
    const before = openVault({ dataDir: 'memory://', encryptionKey: OLD });
    const sealed = before.seal({ number: '4111111111111111' });
    const after = openVault({ dataDir: 'memory://', encryptionKey: `${NEW}, ${OLD}` });
    expect(after.activeKeyId).not.toBe(before.activeKeyId);
    expect(after.open(sealed)).toEqual({ number: '4111111111111111' });
    expect(keyIdOf(after.seal({ a: 1 }))).toBe(after.activeKeyId);
    expect(() => openVault({ dataDir: 'memory://', encryptionKey: NEW }).open(sealed)).toThrow(/no key/);
  });

  it('the keyring file: a new key joins the old ones (mode 0600), and a running process picks it up', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kessai-vault-'));
    const running = openVault({ dataDir: dir, encryptionKey: null });
    const old = running.seal({ number: '4111111111111111' });
    const rotated = addKeyringKey(dir);
    const file = join(dir, 'vault-keys.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const keyring = JSON.parse(readFileSync(file, 'utf8'));
    expect(Object.keys(keyring.keys)).toHaveLength(2);
    expect(keyring.active).toBe(rotated.activeKeyId);
    expect(rotated.open(old)).toEqual({ number: '4111111111111111' });
    // The process that started before the rotation meets the new key id and reloads the file.
    expect(running.open(rotated.seal({ number: '5555555555554444' }))).toEqual({ number: '5555555555554444' });
    expect(running.activeKeyId).toBe(rotated.activeKeyId);
  });
});
