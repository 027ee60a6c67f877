import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authenticateKey } from '../../src/domain/merchants';
import { startHarness, type Harness } from '../helpers/harness';

describe('authenticateKey', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  it('answers the merchant and the kind of each of its keys, with no expiry until one is rolled', async () => {
    const m = await h.merchant();
    const secret = await authenticateKey(h.services.db, m.secretKey);
    expect(secret).toMatchObject({ merchant: { id: m.id }, kind: 'secret', expiresAt: null });
    const publishable = await authenticateKey(h.services.db, m.publishableKey);
    expect(publishable).toMatchObject({ merchant: { id: m.id }, kind: 'publishable', expiresAt: null });
  });

  it('answers nothing for a key no merchant has', async () => {
    expect(await authenticateKey(h.services.db, `sk_test_unknown${Date.now()}`)).toBeUndefined();
  });

  it('makes one key lookup for concurrent calls, as authentication did before it went through domain', async () => {
    const m = await h.merchant();
    let lookups = 0;
    // A Kysely instance of its own (its own cache) that counts the statements reading api_keys.
    const counting = h.services.db.withPlugin({
      transformQuery: (args) => {
        if (args.node.kind === 'SelectQueryNode' && JSON.stringify(args.node.from).includes('"api_keys"')) lookups++;
        return args.node;
      },
      transformResult: async (args) => args.result,
    });
    const found = await Promise.all(Array.from({ length: 20 }, () => authenticateKey(counting, m.secretKey)));
    expect(found.every((key) => key?.merchant.id === m.id)).toBe(true);
    expect(lookups).toBe(1);
  });
});
