import type { Clock } from '../lib/clock';
import type { IdSource } from '../lib/ids';
import type { Processor } from '../processors/processor';
import type { CardAuthenticator } from '../processors/three-d-secure';
import type { Db } from '../store/db';
import type { PoolStats } from '../store/types';
import type { Vault } from '../vault/vault';
import type { Rates } from './rates';
import type { WebhookSettings } from './webhook-settings';
import type { Merchant } from '../model/merchant';

/** What the services need from the outside world, built once in main.ts (or a test harness). */
export interface Services {
  db: Db;
  dbKind: 'postgres' | 'pglite';
  vault: Vault;
  /** The test processor (KOMOJU's test cards and prepaid numbers): test-mode merchants only. */
  processor: Processor;
  /**
   * The upstream of live-mode merchants. None is built in: without one, live mode refuses to take
   * money (see processorFor) rather than simulate it.
   */
  liveProcessor?: Processor;
  /** The issuers' 3-D Secure servers, as the test cards describe them (processors/three-d-secure.ts). */
  authenticator: CardAuthenticator;
  /** The system clock; merchants see it shifted by their test clock offset. */
  clock: Clock;
  publicUrl: string;
  webhooks: WebhookSettings;
  /** Exchange rates for sessions' converted offers; the built-in ones when absent. */
  rates?: Rates;
  /**
   * Whether this process has an SMTP server (KESSAI_SMTP_URL) and so runs the mail worker: live
   * mails are queued for it only then, else `kept`, so none piles up to flood out once SMTP is
   * set later. Read when a mail is written (domain/mail.ts), so a test may switch it.
   */
  sendsMail?: boolean;
  /** PostgreSQL only: the connection pool's state, for /metrics. */
  poolStats?: () => PoolStats;
}

/**
 * Who is acting: the authenticated merchant, with time as that merchant's clock tells it and the
 * ids its request draws (random, or repeatable for a seeded merchant: domain/seeding.ts). Built
 * by actorFor.
 */
export interface Actor {
  merchant: Merchant;
  clock: Clock;
  ids: IdSource;
}
