import type { ShownSession } from '../model/session';
import type { ApiVersion } from './api-version';
import { serializePayment } from './payment';
import { timestamp } from './time';

/**
 * Session → KOMOJU JSON. The seed's keys first, in its order (`amount`/`currency` absent in
 * customer mode, docs/decisions.md #18); then the SDK's `expired`, `metadata`, `payment_data`, `email`,
 * `customer_id`, `external_customer_id`, `expires_at`. What is derived (expired, the offered
 * methods, the page's URL) the domain has computed (showSession).
 */
export function serializeSession(shown: ShownSession, version: ApiVersion): Record<string, unknown> {
  const { session, payment } = shown;
  const money = session.mode === 'customer' ? {} : { amount: session.amount, currency: session.currency };
  return {
    id: session.id,
    resource: 'session',
    mode: session.mode,
    ...money,
    payment: payment ? serializePayment(payment, version) : null,
    session_url: shown.url,
    return_url: session.return_url,
    default_locale: session.default_locale,
    payment_methods: shown.methods,
    created_at: timestamp(session.created_at),
    cancelled_at: timestamp(session.cancelled_at),
    completed_at: timestamp(session.completed_at),
    status: session.status,
    expired: shown.expired,
    expires_at: timestamp(session.expires_at),
    metadata: session.metadata,
    payment_data: session.payment_data,
    email: session.email,
    external_customer_id: session.external_customer_id,
    ...(session.mode === 'payment' ? {} : { customer_id: session.customer_id }),
    secure_token: null,
  };
}
