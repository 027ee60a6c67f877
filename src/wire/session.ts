import type { LineItem, ShownSession } from '../model/session';
import { API_VERSIONS, versionBefore, type ApiVersion } from './api-version';
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
  const documents = versionBefore(version, API_VERSIONS[0]);
  // With an API version, the SDK's Session: amount and currency in every mode (0 in customer mode,
  // which charges nothing), the merchant's name, and line_items when the order has them.
  const money = session.mode === 'customer' && documents ? {} : { amount: session.amount ?? 0, currency: session.currency };
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
    ...(documents ? {} : { merchant: { name: shown.merchantName } }),
    ...(documents || session.line_items === null ? {} : { line_items: session.line_items.map(shownLineItem) }),
  };
}

/** A line as the SDK shows it: `quantity` 1 when not given. */
function shownLineItem(item: LineItem): LineItem {
  return { ...item, quantity: item.quantity ?? 1 };
}
