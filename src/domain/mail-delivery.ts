import type { Clock } from '../lib/clock';
import { randomFraction, type RandomFraction } from '../lib/random';
import type { Db } from '../store/db';
import * as mailsRepo from '../store/mails.repo';
import type { Mail } from '../model/mail';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/**
 * Live-mode mails: sent after the commit that queued them, by the mail worker (worker/mail.ts),
 * never inside a request. Tries at 0, 1 m, 5 m, 30 m, 2 h, 6 h and 24 h after the first (each gap
 * ±10 %, so mails that failed together do not retry together), then `failed`. A mail is sent at
 * least once: a worker that dies mid-send leaves its claim to run out and the mail to be tried
 * again.
 */
export const MAIL_RETRY_SCHEDULE_MS: readonly number[] = [0, MINUTE, 5 * MINUTE, 30 * MINUTE, 2 * HOUR, 6 * HOUR, 24 * HOUR];

/** What the worker hands an SMTP client (worker/mail.ts: nodemailer). */
export interface OutgoingMail {
  from: string;
  to: string;
  subject: string;
  html: string;
  text: string;
  /** The outbox id, as a header, so a mail retried after a lost answer can be recognised. */
  mailId: string;
}

export interface MailTransport {
  /** Resolves once the server accepted the mail; rejects with what it answered otherwise. */
  send(mail: OutgoingMail): Promise<void>;
}

export interface SendOptions {
  from: string;
  /** Mails claimed per run. */
  limit?: number;
  /** How long a claim keeps other workers off a mail (longer than an SMTP conversation takes). */
  claimMs?: number;
  /** The gaps between tries (tests shorten them). */
  schedule?: readonly number[];
  random?: RandomFraction;
}

/** How long a claim keeps other workers off a mail, unless SendOptions.claimMs says otherwise. */
export const MAIL_CLAIM_MS = 2 * MINUTE;

/**
 * Claims the queued mails that are due and sends each on its own: one whose server stalls holds
 * no other (each is recorded when its own try ends, and one that cannot be recorded does not
 * stop the rest). Resolves to how many were tried.
 */
export async function sendDueMails(db: Db, clock: Clock, transport: MailTransport, options: SendOptions): Promise<number> {
  const mails = await mailsRepo.claimDueMails(db, options.limit ?? 20, options.claimMs ?? MAIL_CLAIM_MS);
  const results = await Promise.allSettled(mails.map((mail) => sendOne(db, clock, transport, mail, options)));
  const failure = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  // The rest are recorded; the runner logs this one (its claim runs out and it is tried again).
  if (failure) throw failure.reason;
  return mails.length;
}

async function sendOne(db: Db, clock: Clock, transport: MailTransport, mail: Mail, options: SendOptions): Promise<void> {
  let outcome: mailsRepo.SendOutcome;
  try {
    await transport.send({ from: options.from, to: mail.recipient, subject: mail.subject, html: mail.html, text: mail.text, mailId: mail.id });
    outcome = { status: 'sent', at: clock.now() };
  } catch (error) {
    outcome = afterFailure(mail.attempts + 1, clock.now(), errorText(error), options.schedule ?? MAIL_RETRY_SCHEDULE_MS, options.random ?? randomFraction);
  }
  await mailsRepo.recordSend(db, mail.id, outcome, clock.now());
}

/** After the `tries`-th failed try: the next one at the schedule's next gap (±10 %), or `failed`. */
export function afterFailure(tries: number, at: Date, error: string, schedule: readonly number[], random: RandomFraction): mailsRepo.SendOutcome {
  if (tries >= schedule.length) return { status: 'failed', error };
  const gap = schedule[tries] - schedule[tries - 1];
  return { status: 'queued', error, retryAt: new Date(at.getTime() + Math.round(gap * (1 + 0.1 * (2 * random() - 1)))) };
}

/** The server's answer or the connection's error, short enough for a column and a dashboard line. */
function errorText(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.slice(0, 500);
}
