import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDefaultMerchant } from '../../src/domain/merchants';
import { startHarness, type Harness } from '../helpers/harness';

// KESSAI_MERCHANT_NAME (config.merchantName) names the default merchant when it is made and on
// every later start; without it the stored name stays.
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

describe('the default merchant\'s name', () => {
  it('is set when the merchant is made, renamed on a later start, and kept when no name is configured', async () => {
    const keys = { secretKey: null, publishableKey: null };
    const first = await ensureDefaultMerchant(h.store.db, keys, h.clock.now(), 'Tea House 茶屋');
    const again = await ensureDefaultMerchant(h.store.db, keys, h.clock.now(), 'Coffee House');
    expect(again.merchant.id).toBe(first.merchant.id);
    expect(again.merchant.name).toBe('Coffee House');
    const unnamed = await ensureDefaultMerchant(h.store.db, keys, h.clock.now());
    expect(unnamed.merchant.name).toBe('Coffee House');
  });
});
