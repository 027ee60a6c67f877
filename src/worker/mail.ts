import nodemailer from 'nodemailer';
import type { Services } from '../domain/context';
import { sendDueMails, type MailTransport, type SendOptions } from '../domain/mail-delivery';
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
}

/**
 * Sends the live-mode mails of the outbox over SMTP (nodemailer), outside every request's
 * transaction: the payment change queued the mail in its own statement (domain/mail.ts); this
 * polls for queued mails, claims them with SKIP LOCKED (so every process may run one) and records
 * on each row whether it was sent, or when it is tried again, or that it failed. Runs only when
 * KESSAI_SMTP_URL is set; test-mode mails are never queued for it.
 */
export function startMailWorker(services: Services, options: MailWorkerOptions) {
  const smtp = nodemailer.createTransport(options.smtpUrl);
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
      run: (s) => sendDueMails(s.db, s.clock, transport, { from: options.from, schedule: options.schedule }),
    },
  ]);
  return {
    async stop() {
      await worker.stop();
      smtp.close();
    },
  };
}
