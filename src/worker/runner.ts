import type { Services } from '../domain/context';
import { expireDueChargebacks } from '../domain/chargeback-expiry';
import { openDuePlannedChargebacks } from '../domain/chargeback-plans';
import { expireDuePayments } from '../domain/expiry';
import { sweepLedger } from '../domain/ledger-sweep';
import { purgeExpiredIdempotencyKeys } from '../domain/commands';
import { eraseExpiredTokens } from '../domain/tokens';
import { chargeDueSubscriptions } from '../domain/subscription-billing';
import type { LogSink } from '../lib/log';

export interface Job {
  name: string;
  everyMs: number;
  run(services: Services): Promise<number>;
}

/** The jobs every process runs; rows are claimed with SKIP LOCKED, so N processes share them. */
export const JOBS: readonly Job[] = [
  { name: 'expire-payments', everyMs: 5_000, run: (s) => expireDuePayments(s.db, s.clock) },
  // Unanswered chargebacks past their due date are lost (expired); days-long windows, so a minute late is nothing.
  { name: 'expire-chargebacks', everyMs: 60_000, run: (s) => expireDueChargebacks(s) },
  // Test cards' disputes open days after capture: a minute late is nothing.
  { name: 'open-planned-chargebacks', everyMs: 60_000, run: (s) => openDuePlannedChargebacks(s) },
  { name: 'charge-subscriptions', everyMs: 5_000, run: (s) => chargeDueSubscriptions(s.db, s) },
  { name: 'purge-idempotency-keys', everyMs: 600_000, run: (s) => purgeExpiredIdempotencyKeys(s.db, s.clock) },
  // A minute late at most: an expired token can no longer be used anyway (the claim checks expires_at).
  { name: 'erase-expired-tokens', everyMs: 60_000, run: (s) => eraseExpiredTokens(s.db, s.clock) },
  // Settlements close at month ends and transfers a day after they are asked: a minute late at most.
  { name: 'ledger', everyMs: 60_000, run: (s) => sweepLedger(s) },
];

/**
 * Runs each job on its own timer, never overlapping itself. A failing run is logged and retried
 * at the next tick. `stop()` waits for runs in progress.
 */
export function startWorker(services: Services, log: LogSink, jobs: readonly Job[] = JOBS) {
  const running = new Set<Promise<unknown>>();
  const timers = jobs.map((job) => {
    let busy = false;
    return setInterval(() => {
      if (busy) return;
      busy = true;
      const run = job
        .run(services)
        .then((count) => count > 0 && log.info({ job: job.name, count }, 'worker job done'))
        .catch((err) => log.error({ err, job: job.name }, 'worker job failed'))
        .finally(() => {
          busy = false;
          running.delete(run);
        });
      running.add(run);
    }, job.everyMs);
  });
  return {
    async stop() {
      for (const timer of timers) clearInterval(timer);
      await Promise.all(running);
    },
  };
}
