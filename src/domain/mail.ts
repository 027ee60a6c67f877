import type { IdSource } from '../lib/ids';
import type { Services } from './context';
import type { QueuedMail } from '../store/mails.repo';
import type { MailKind } from '../model/mail';
import type { Payment } from '../model/payment';

/**
 * The e-mails KOMOJU sends a payment's customer, and when:
 *
 * | event                                   | mail           |
 * | --------------------------------------- | -------------- |
 * | `payment.authorized` of a payment whose details carry an `instructions_url` (konbini, bank transfer, PayEasy …) | `instructions` |
 * | `payment.captured`                      | `receipt`      |
 * | `payment.refund.created`                | `refund`       |
 *
 * One way, one transaction: a payment change records its event (events.ts), and the mail that
 * event sends is rendered here and inserted by the same SQL statement as the event (a CTE beside
 * the webhook outbox's, see store/mails.repo.ts insertMail), so a mail exists exactly when its
 * change committed, and costs no extra round trip. Deriving mails later from the event log would
 * need a cursor of its own and leave a window in which a test reads the payment but not its mail.
 * Sending (live mode) is the mail worker's, after the commit (mail-delivery.ts).
 *
 * A payment with neither an e-mail nor a customer gets no mail and is not even rendered for; one
 * with a customer and no e-mail gets its customer's, which SQL reads in the same statement, and
 * none when the customer has none.
 */
const MAIL_OF_EVENT: Record<string, MailKind | undefined> = {
  'payment.authorized': 'instructions',
  'payment.captured': 'receipt',
  'payment.refund.created': 'refund',
};

/** What a mail says, in the payment's locale: rendered by web/mail (see useMailComposer). */
export interface ComposedMail {
  subject: string;
  html: string;
  text: string;
  /** The locale it was written in (the payment's, or `ja` for one the pages do not speak). */
  locale: string;
}

export interface MailInput {
  kind: MailKind;
  /** The payment as it is after the change (a refund notice reads the newest of `refunds`). */
  payment: Payment;
  merchantName: string;
}

export type MailComposer = (input: MailInput) => ComposedMail;

/**
 * The templates are presentation and live beside the pages whose texts they share (web/mail),
 * which domain may not import; the app's wiring (registerWebPages) hands them over once at start.
 * A process that never builds the app (a CLI command that changes no payment) queues no mail.
 */
let composer: MailComposer | null = null;
/** The app's services, read for `sendsMail` when a mail is written (none: live mails are kept). */
let wiring: Pick<Services, 'sendsMail'> | null = null;

export function useMailComposer(compose: MailComposer | null, services: Pick<Services, 'sendsMail'> | null = null): void {
  composer = compose;
  wiring = services;
}

/** Which mail event `type` sends about `payment`, if any. */
export function mailKindOf(type: string, payment: Payment): MailKind | null {
  const kind = MAIL_OF_EVENT[type] ?? null;
  if (kind === 'instructions' && typeof payment.payment_details.instructions_url !== 'string') return null;
  return kind;
}

/**
 * The mail event `eventId` (of `type`) sends about `payment`, rendered, or null when it sends none
 * or there is nobody to write to. Card numbers never reach a mail: the composer gets the
 * payment's public details only (brand and last four), never `secret_details`. Its id is drawn
 * from `ids`, the request's, as its event's is (repeatable for a seeded merchant).
 */
export function paymentMail(ids: IdSource, type: string, eventId: string, payment: Payment, merchantName: string, now: Date): QueuedMail | null {
  const kind = mailKindOf(type, payment);
  if (!kind || !composer || (payment.email === null && payment.customer_id === null)) return null;
  const { secret_details: _secret, fraud_details: _fraud, ...visible } = payment;
  const composed = composer({ kind, payment: { ...visible, secret_details: null, fraud_details: null }, merchantName });
  return {
    id: ids.id(),
    merchant_id: payment.merchant_id,
    payment_id: payment.id,
    event_id: eventId,
    kind,
    subject: composed.subject,
    locale: composed.locale,
    html: composed.html,
    text: composed.text,
    created_at: now,
    email: payment.email,
    customer_id: payment.customer_id,
    send_live: wiring?.sendsMail === true,
  };
}
