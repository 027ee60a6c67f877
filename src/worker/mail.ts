import nodemailer from 'nodemailer';
// The file, not the folder: an installed kessai is ES modules, where node imports no folder.
import SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import type { Services } from '../domain/context';
import { MAIL_CLAIM_MS, sendDueMails, type MailTransport, type SendOptions } from '../domain/mail-delivery';
import type { LogSink } from '../lib/log';
import { startWorker } from './runner';

export interface MailWorkerOptions {
  /** KESSAI_SMTP_URL: smtp:// or smtps://, with user and password if the server wants them. */
  smtpUrl: string;
  /** KESSAI_MAIL_FROM. */
  from: string;
  log: LogSink;
  /** How often queued mails are looked for (and retries found due). */
  pollMs?: number;
  /** The gaps between tries (tests shorten them); domain/mail-delivery.ts has the default. */
  schedule?: SendOptions['schedule'];
  /** How long a claim keeps other workers off a mail (MAIL_CLAIM_MS; tests shorten it, and the SMTP timeouts with it). */
  claimMs?: number;
}

/**
 * Sends the live-mode mails of the outbox over SMTP (nodemailer), outside every request's
 * transaction: the payment change queued the mail in its own statement (domain/mail.ts); this
 * polls for queued mails, claims them with SKIP LOCKED (so every process may run one) and records
 * on each row whether it was sent, or when it is tried again, or that it failed. Runs only when
 * KESSAI_SMTP_URL is set; test-mode mails are never queued for it.
 */
export function startMailWorker(services: Services, options: MailWorkerOptions) {
  const claimMs = options.claimMs ?? MAIL_CLAIM_MS;
  // nodemailer's own timeouts (2 min to connect, 30 s for the greeting, 10 min of silence) outlast
  // the claim: a stalled server would let another worker claim the mail and send it again. A
  // quarter of the claim each, so a try ends, and is recorded, well before its claim runs out.
  const timeoutMs = Math.floor(claimMs / 4);
  // (An SMTPTransport of our own: createTransport drops every option beside a `url`.)
  const smtp = nodemailer.createTransport(
    new SMTPTransport({ url: options.smtpUrl, connectionTimeout: timeoutMs, greetingTimeout: timeoutMs, socketTimeout: timeoutMs }),
  );
  const transport: MailTransport = {
    async send(mail) {
      await smtp.sendMail({
        from: mail.from,
        to: mail.to,
        subject: mail.subject,
        html: mail.html,
        text: mail.text,
        headers: { 'X-Kessai-Mail-Id': mail.mailId },
      });
    },
  };
  const worker = startWorker(services, options.log, [
    {
      name: 'send-mails',
      everyMs: options.pollMs ?? 1000,
      run: (s) => sendDueMails(s.db, s.clock, transport, { from: options.from, schedule: options.schedule, claimMs }),
    },
  ]);
  return {
    async stop() {
      await worker.stop();
      smtp.close();
    },
  };
}
