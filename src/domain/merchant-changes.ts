import * as merchantsRepo from '../store/merchants.repo';
import type { Listen } from './webhook-delivery';

/**
 * Forgets this process's cached key lookups (merchants.repo's findByKeyDigestCached) whenever a
 * merchant or key changes in `schema` (any schema when undefined), in this process or another:
 * the database's trigger NOTIFYs at commit (migrations/0022_cluster.ts), so a test clock moved,
 * a method turned off or a key rolled through one process applies to the next request any
 * process serves, instead of up to KEY_CACHE_MS (250 ms) later. When listening resumes after a
 * lost connection the lookups are forgotten too (changes meanwhile notified no one); while it is
 * down, KEY_CACHE_MS remains the bound. Resolves to a function that stops listening.
 *
 *   const stop = await listenForMerchantChanges(store.listen, 'public');
 */
export function listenForMerchantChanges(listen: Listen, schema: string | undefined): Promise<() => Promise<void>> {
  const forget = () => void merchantsRepo.forgetCachedKeys();
  return listen(merchantsRepo.MERCHANT_CHANNEL, (payload) => (schema === undefined || payload === schema ? forget() : undefined), forget);
}

/**
 * KESSAI_KEY_CACHE_MS: the bound on a cached key lookup when no notification ends it sooner (250
 * ms by default; 0 reuses none). The tests of the notifications set it long, so that seeing a
 * change at all proves the notification carried it, however slow the machine.
 */
export const setKeyCacheMs = merchantsRepo.setKeyCacheMs;
