import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config';
import { actorFor, merchantClock, seedMerchant } from '../../src/domain/seeding';
import { FROZEN_EPOCH } from '../../src/lib/clock';
import { randomIds, seededIds } from '../../src/lib/ids';
import * as merchantsRepo from '../../src/store/merchants.repo';
import { startHarness, testCard, type Harness } from '../helpers/harness';

/**
 * The sequence a seeded merchant's requests draw from, on the database the run uses (PGlite, or
 * PostgreSQL with DATABASE_URL): concurrent requests each take their own number, so no id is
 * drawn twice.
 */

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

async function seeded(seed: number) {
  const m = await h.merchant();
  const merchant = (await merchantsRepo.findMerchant(h.services.db, m.id))!;
  await seedMerchant(h.services.db, h.clock, await actorFor(h.services.db, h.clock, merchant), seed);
  return { m, merchant: (await merchantsRepo.findMerchant(h.services.db, m.id))! };
}

describe('seededIds', () => {
  it('is a function of seed and sequence only, in the id alphabet and length', () => {
    const a = seededIds(42, 1);
    const b = seededIds(42, 1);
    const ids = Array.from({ length: 20 }, () => a.id());
    expect(Array.from({ length: 20 }, () => b.id())).toEqual(ids);
    for (const id of ids) expect(id).toMatch(/^[a-z0-9]{25}$/);
    expect(new Set(ids).size).toBe(20);
    expect(seededIds(42, 2).id()).not.toBe(ids[0]);
    expect(seededIds(43, 1).id()).not.toBe(ids[0]);
    expect(seededIds(42, 1).digits(13)).toMatch(/^\d{13}$/);
  });
});

describe('actorFor', () => {
  it('costs an unseeded merchant no query and gives it random ids on real time', async () => {
    const m = await h.merchant();
    const merchant = (await merchantsRepo.findMerchant(h.services.db, m.id))!;
    expect(merchant.seed).toBeNull();
    // A database that refuses every query: an unseeded actor never asks it.
    const refusing = new Proxy({}, { get: () => { throw new Error('queried'); } }) as never;
    const actor = await actorFor(refusing, h.clock, merchant);
    expect(actor.ids).toBe(randomIds);
    expect(actor.clock.now().getTime()).toBe(merchantClock(h.clock, merchant).now().getTime());
  });

  it('gives each of many concurrent requests its own number, so no id repeats', async () => {
    const { merchant } = await seeded(2024);
    const actors = await Promise.all(Array.from({ length: 40 }, () => actorFor(h.services.db, h.clock, merchant)));
    const ids = actors.flatMap((actor) => [actor.ids.id(), actor.ids.id()]);
    expect(new Set(ids).size).toBe(80);
    expect(actors.every((actor) => actor.clock.now().getTime() === FROZEN_EPOCH.getTime())).toBe(true);
    const after = await h.store.db.selectFrom('merchants').select('id_sequence').where('id', '=', merchant.id).executeTakeFirstOrThrow();
    expect(Number(after.id_sequence)).toBe(40);
  });

  it('writes no duplicate under concurrent API requests of a seeded merchant', async () => {
    const { m } = await seeded(99);
    const results = await Promise.all(
      Array.from({ length: 24 }, (_, i) =>
        h.request({
          method: 'POST',
          url: i % 2 ? '/api/v1/payments' : '/api/v1/customers',
          key: m.secretKey,
          json: i % 2 ? { amount: 100 + i, currency: 'JPY', payment_details: testCard() } : { email: `c${i}@example.com` },
        }),
      ),
    );
    for (const res of results) expect(res.status, res.text).toBe(200);
    const ids = results.map((res) => res.body.id);
    expect(new Set(ids).size).toBe(24);
    const events = await h.request({ url: '/api/v1/events?per_page=100', key: m.secretKey });
    const eventIds = events.body.data.map((e: { id: string }) => e.id);
    expect(new Set(eventIds).size).toBe(eventIds.length);
    expect(eventIds.length).toBe(24);
  });

  it('acts as unseeded when the merchant was unseeded after its key lookup was cached', async () => {
    const { merchant } = await seeded(5);
    await seedMerchant(h.services.db, h.clock, await actorFor(h.services.db, h.clock, merchant), null);
    const actor = await actorFor(h.services.db, h.clock, merchant);
    expect(actor.ids).toBe(randomIds);
    expect(actor.merchant.seed).toBeNull();
  });
});

describe('KESSAI_SEED', () => {
  it('is a whole number from 0 to 2^53 - 1, or unset', () => {
    expect(loadConfig({}).seed).toBeNull();
    expect(loadConfig({ KESSAI_SEED: '42' }).seed).toBe(42);
    expect(loadConfig({ KESSAI_SEED: '0' }).seed).toBe(0);
    for (const bad of ['-1', '1.5', 'abc', String(2 ** 53)]) expect(() => loadConfig({ KESSAI_SEED: bad })).toThrow(ConfigError);
  });
});
