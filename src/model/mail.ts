/** What a customer is told by e-mail (src/domain/mail.ts decides which payment change sends which). */
export type MailKind = 'instructions' | 'receipt' | 'refund';

/**
 * `kept`: a test-mode mail, or a live one written by a process without SMTP (KESSAI_SMTP_URL),
 * stored for tests and the dashboard, never sent. `queued`: a live
 * mail waiting for the mail worker; `sent` once an SMTP server accepted it, `failed` when the
 * worker gave up.
 */
export type MailStatus = 'kept' | 'queued' | 'sent' | 'failed';

/** One e-mail of the outbox (migration 0014). */
export interface Mail {
  id: string;
  merchant_id: string;
  payment_id: string;
  /** The event whose change caused it. */
  event_id: string;
  kind: MailKind;
  recipient: string;
  subject: string;
  locale: string;
  html: string;
  text: string;
  status: MailStatus;
  attempts: number;
  last_error: string | null;
  next_attempt_at: Date | null;
  claimed_until: Date | null;
  sent_at: Date | null;
  created_at: Date;
}
