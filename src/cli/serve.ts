import closeWithGrace from 'close-with-grace';
import type { FastifyBaseLogger } from 'fastify';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:net';
import { join } from 'node:path';
import { buildApp } from '../app';
import { ConfigError, inMemory, localUrl, lockedDataDir, type Config } from '../config';
import type { Services } from '../domain/context';
import { createLoginLink } from '../domain/dashboard/auth';
import { keyWorks } from '../domain/dashboard/keys';
import { listenForMerchantChanges, setKeyCacheMs } from '../domain/merchant-changes';
import { ensureDefaultMerchant, type DefaultMerchant } from '../domain/merchants';
import { actorFor, seedMerchant } from '../domain/seeding';
import { ensureEndpoint } from '../domain/webhooks';
import type { WebhookEndpoint } from '../model/webhook';
import { openServices } from '../services';
import type { Store } from '../store/db';
import { startWorker } from '../worker/runner';
import { startWebhookWorker } from '../worker/webhooks';
import { DEFAULT_KEYS_FILE } from './database';
import { acquireLock, type DataDirLock, type LockHolder } from './lock';


/**
 * `kessai serve` (what `npm start` runs): migrate, make sure a merchant exists (with the
 * KESSAI_WEBHOOK_URL endpoint), listen, start the background jobs (expiry sweeps, webhook
 * delivery, live-mode mails when KESSAI_SMTP_URL is set), print the banner, and on SIGTERM/SIGINT stop accepting
 * connections and let in-flight requests and job runs finish.
 */
export async function serve(config: Config): Promise<void> {
  // An embedded directory on disk is this server's alone while it runs (src/cli/lock.ts).
  const dataDir = lockedDataDir(config);
  const lock = dataDir === null ? null : acquireLock(dataDir, 'kessai serve', advice);
  // In memory nothing is written: the generated keys are shown by this start's banner only.
  const keysFile = inMemory(config) ? null : join(config.dataDir, DEFAULT_KEYS_FILE);
  // Under the set-up lock: processes starting together on one empty database make one merchant,
  // add the configured keys once and one endpoint for KESSAI_WEBHOOK_URL.
  const { services, store, setUp } = await openServices(config, (services) => setUpDefaults(services, config, keysFile));
  // Before serving: a merchant changed by another process is then never served from the cache.
  setKeyCacheMs(config.keyCacheMs);
  const stopListening = await listenForMerchantChanges(store.listen, store.kind === 'postgres' ? config.databaseSchema : undefined);

  const app = await buildApp(services, {
    logLevel: config.logLevel,
    logFormat: config.logFormat,
    maxInFlight: config.maxInFlight,
    rateLimits: config.rateLimits,
    redisUrl: config.redisUrl,
    metricsToken: config.metricsToken,
    trustProxy: config.trustProxy,
    role: config.role,
  });
  await app.listen({ port: config.port, host: config.host });
  recordAddress(lock, config, app.server.address());
  // An API-only process leaves every job to the worker processes.
  const jobs = config.role === 'api' ? [] : await startJobs(services, store, config, app.log);
  // Installed before the banner: whoever waits for the banner may signal at once.
  closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
    if (err) app.log.error({ err }, 'shutting down after an error');
    else app.log.info({ signal }, 'shutting down: finishing in-flight requests');
    await app.close();
    for (const job of jobs) await job.stop();
    await stopListening();
    await store.close();
    lock?.release();
  });

  process.stdout.write(await banner(config, services, store, setUp));
}

/**
 * The background jobs: expiry and other sweeps, webhook delivery, and live-mode mails to customers
 * when there is somewhere to send them (nodemailer loads only then: a start-up cost every other
 * start would pay for nothing). Each claims its work in the database, so any number of processes
 * run them together, each piece of work done once.
 */
async function startJobs(services: Services, store: Store, config: Config, log: FastifyBaseLogger): Promise<{ stop(): Promise<void> }[]> {
  const sweeps = startWorker(services, log);
  const webhooks = await startWebhookWorker(services, { log, listen: store.listen, schema: store.kind === 'postgres' ? config.databaseSchema : undefined });
  const mail = config.smtpUrl ? (await import('../worker/mail')).startMailWorker(services, { smtpUrl: config.smtpUrl, from: config.mailFrom, log }) : null;
  return mail ? [sweeps, webhooks, mail] : [sweeps, webhooks];
}

/** What serve sets up once per database, and what the banner shows of it. */
interface Defaults {
  merchant: DefaultMerchant;
  /** The generated keys kept in DEFAULT_KEYS_FILE by an earlier start, if any. */
  remembered: { secret_key?: string; publishable_key?: string } | null;
  webhook: WebhookEndpoint | null;
}

function advice(holder: LockHolder): string {
  if (holder.command === 'kessai serve') return 'stop it, or start this one with another --data-dir (or --memory)';
  return 'wait for it to finish, then start again';
}

/** Writes where the server listens into its lock, for the CLI's messages and `kessai health`. */
function recordAddress(lock: DataDirLock | null, config: Config, address: ReturnType<Server['address']>): void {
  if (!lock || address === null || typeof address === 'string') return;
  lock.update({ port: address.port, url: localUrl(config.host, address.port) });
}

/** The default merchant (its generated keys kept in `keysFile`) and the KESSAI_WEBHOOK_URL endpoint. */
async function setUpDefaults(services: Services, config: Config, keysFile: string | null): Promise<Defaults> {
  const remembered = !config.secretKey && keysFile && existsSync(keysFile) ? JSON.parse(readFileSync(keysFile, 'utf8')) : null;
  const merchant = await ensureDefaultMerchant(
    services.db,
    { secretKey: config.secretKey, publishableKey: config.publishableKey },
    services.clock.now(),
    config.merchantName,
  );
  if (merchant.created && !config.secretKey && keysFile) {
    writeFileSync(keysFile, JSON.stringify({ secret_key: merchant.secretKey, publishable_key: merchant.publishableKey }, null, 2), { mode: 0o600 });
  }
  const webhook = config.webhookUrl
    ? await ensureEndpoint(
        services.db,
        services.webhooks,
        await actorFor(services.db, services.clock, merchant.merchant),
        config.webhookUrl,
        config.webhookSecret,
      )
    : null;
  if (config.seed !== null) await seedDefaultMerchant(services, merchant, config.seed);
  return { merchant, remembered, webhook };
}

/**
 * KESSAI_SEED: seeds the default merchant, last (after KESSAI_WEBHOOK_URL's endpoint), so that
 * its sequence starts at zero when the server starts serving, as after POST
 * /api/v1/test_helpers/seed. A merchant already seeded with that seed is left alone: seeding
 * again would rewind its sequence and clock under the rows it made (a restart on a kept data
 * directory or PostgreSQL, one of several processes starting), and its next ids would be taken.
 * A live merchant is never seeded.
 */
async function seedDefaultMerchant(services: Services, merchant: DefaultMerchant, seed: number): Promise<void> {
  if (merchant.merchant.mode !== 'test') throw new ConfigError('KESSAI_SEED: the default merchant is in live mode, and only test-mode merchants can be seeded');
  // Number(): PostgreSQL's driver may read the bigint back as text.
  if (merchant.merchant.seed !== null && Number(merchant.merchant.seed) === seed) return;
  const actor = await actorFor(services.db, services.clock, merchant.merchant);
  await seedMerchant(services.db, services.clock, actor, seed);
}

/** The lines printed once the server listens: where it is, its database, merchant and keys. */
async function banner(config: Config, services: Services, store: Store, { merchant, remembered, webhook }: Defaults): Promise<string> {
  const knownKey: string | null = merchant.secretKey ?? remembered?.secret_key ?? null;
  // A key rolled in the dashboard (Settings) no longer works: say so rather than print it.
  const rolled = knownKey !== null && !(await keyWorks(services.db, knownKey, services.clock.now()));
  const secretKey = rolled
    ? '(rolled in the dashboard: the new key was shown there, once)'
    : (knownKey ?? '(set when the merchant was created; not stored in clear)');
  const publishableKey = merchant.publishableKey ?? remembered?.publishable_key ?? '(not known to this process)';
  // Test mode on the embedded database (a developer's machine): a one-time sign-in link, so the
  // dashboard needs no user. Elsewhere, users come from `kessai users create`.
  const dashboard =
    store.kind === 'pglite' && merchant.merchant.mode === 'test'
      ? `${config.publicUrl}/dashboard/login/${await createLoginLink(services.db, merchant.merchant.id, services.clock.now())} (one-time sign-in link, 15 minutes)`
      : `${config.publicUrl}/dashboard`;
  const database = store.kind === 'postgres' ? `PostgreSQL (schema ${config.databaseSchema})` : inMemory(config) ? 'PGlite in memory (nothing on disk)' : `PGlite in ${config.dataDir}`;
  return (
    [
      '',
      `  kessai is listening on ${config.publicUrl}`,
      ...(config.role === 'worker' ? [] : [`  API base URL      ${config.publicUrl}/api/v1`]),
      `  database          ${database}`,
      ...(config.role === 'all' ? [] : [`  role              ${config.role === 'api' ? 'api: API and pages; background jobs left to worker processes' : 'worker: background jobs; serves /health, /ready and /metrics only'}`]),
      `  merchant          ${merchant.merchant.name} (${merchant.merchant.id}, ${merchant.merchant.mode} mode)`,
      `  secret key        ${secretKey}`,
      `  publishable key   ${publishableKey}`,
      `  dashboard         ${dashboard}`,
      ...(webhook ? [`  webhook endpoint  ${webhook.url} (signing secret ${webhook.secret_token})`] : []),
      '',
      ...(config.role === 'worker' ? [] : [`  try: curl -u ${rolled ? 'SECRET_KEY' : (knownKey ?? 'SECRET_KEY')}: ${config.publicUrl}/api/v1/payments`, '']),
    ].join('\n') + '\n'
  );
}
