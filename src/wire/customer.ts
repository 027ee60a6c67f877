import { timestamp } from './time';
import type { Customer } from '../model/customer';

/**
 * Customer → KOMOJU JSON (SDK models/customer.ts, the reference's examples): `source` shows the
 * stored card as brand, last four digits and expiry, or null when none is stored.
 */
export function serializeCustomer(customer: Customer): Record<string, unknown> {
  return {
    id: customer.id,
    resource: 'customer',
    email: customer.email,
    source: customer.source,
    metadata: customer.metadata,
    created_at: timestamp(customer.created_at),
  };
}
