import { methodFor } from '../methods';
import type { PaymentMethod } from '../methods/method';
import type { Actor } from './context';
import { ApiError } from '../kernel/errors';
import { enabledTypes } from './merchants';
import { check } from './validate';

/** The method named by `type`, if it exists and this merchant accepts it. */
export function enabledMethod(actor: Actor, type: unknown): PaymentMethod {
  if (type === undefined || type === '') throw new ApiError('missing_parameter', { param: 'payment_details.type' });
  const allowed = enabledTypes(actor.merchant);
  const method = methodFor(String(type));
  if (!method || !allowed.includes(method.type)) {
    throw new ApiError('invalid_payment_type', { param: 'payment_details.type', provided: String(type), allowed });
  }
  return method;
}

/**
 * Checks a `payment_details` hash exactly as POST /payments does before it charges — the method
 * is enabled, the schema holds (coercing form strings in place), the method's own checks pass
 * (Luhn, card expiry …) — for details kept to be charged later: tokens and customers. Returns
 * the method and what its prepare hook made of them; `details` is left coerced, as it will be
 * charged.
 */
export function checkDetails(actor: Actor, details: Record<string, unknown>, now: Date): { method: PaymentMethod; prepared: Record<string, unknown> } {
  const method = enabledMethod(actor, details.type);
  check(method.detailsSchema, details, 'payment_details');
  return { method, prepared: method.prepare({ ...details }, { now }) };
}
