import { timestamp } from './time';
import type { Mail } from '../model/mail';

/** A mail of the outbox → JSON (GET /api/v1/test_helpers/emails, a kessai extension). */
export function serializeMail(mail: Mail): Record<string, unknown> {
  return {
    id: mail.id,
    resource: 'email',
    payment: mail.payment_id,
    event: mail.event_id,
    kind: mail.kind,
    to: mail.recipient,
    subject: mail.subject,
    locale: mail.locale,
    html: mail.html,
    text: mail.text,
    status: mail.status,
    attempts: mail.attempts,
    last_error: mail.last_error,
    sent_at: timestamp(mail.sent_at),
    created_at: timestamp(mail.created_at),
  };
}
