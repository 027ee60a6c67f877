import type { CustomerRecord } from '../store/customers.repo';
import { timestamp } from './time';

/**
 * Customer → KOMOJU JSON (SDK models/customer.ts, the reference's examples): `source` shows the
 * stored card as brand, last four digits and expiry, or null when none is stored.
 */
export function serializeCustomer(customer: CustomerRecord): Record<string, unknown> {
  return {
    id: customer.id,
    resource: 'customer',
    email: customer.email,
    source: customer.source,
    metadata: customer.metadata,
    created_at: timestamp(customer.created_at),
  };
}
