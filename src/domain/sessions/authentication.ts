import { methodFor } from '../../methods';
import type { CardAuthenticator } from '../../processors/three-d-secure';
import type { Currency } from '../../kernel/money';
import type { Locale } from '../payments';
import { createSecureToken } from '../secure-tokens';
import { checkTokenCurrency, useToken } from '../tokens';
import type { Paying, PaySessionOutcome } from './outcome';

/**
 * Whether the details are a card enrolled in 3-D Secure (in test mode, the four test families;
 * frictionless ones pass the page without a challenge), to be authenticated before it is charged.
 */
export function needsAuthentication(authenticator: CardAuthenticator, details: Record<string, unknown>): boolean {
  if (methodFor(String(details.type))?.flow !== 'card' || typeof details.number !== 'string') return false;
  return authenticator.enrolled(details.number.replace(/[\s-]/g, ''));
}

/**
 * Sends the customer to authenticate the card before it is charged: a secure token for the
 * offer's amount, whose page returns to `/sessions/:id/authenticated` (see completeAuthentication);
 * the session stays pending. `plain` is what the details hash, the saved card or a plain token
 * holds. KOMOJU Fields tokenises the card first and pays with the token: such a token is
 * authenticated like a hash, and used up here (its details, CVV and all, move to the secure
 * token), bound to its currency as any token payment is.
 */
export async function sendToAuthentication(paying: Paying, plain: Record<string, unknown>, amount: number, currency: Currency): Promise<PaySessionOutcome> {
  const { trx, services, actor, session, input, details, now } = paying;
  if (details.token) checkTokenCurrency(details.token, currency);
  const tokenId = `tok_${actor.ids.id()}`;
  const params = new URLSearchParams({ token: tokenId, locale: input.locale ?? (session.default_locale as Locale) });
  if (input.save_card) params.set('save_card', '1');
  await createSecureToken(
    trx,
    services,
    actor,
    { amount, currency, return_url: `${services.publicUrl}/sessions/${session.id}/authenticated?${params}`, payment_details: { ...plain } },
    { id: tokenId },
  );
  // The secure token's own checks have passed: the plain token it was made of is used up.
  if (details.token) await useToken(trx, actor, details.token, now);
  const redirectUrl = `${services.publicUrl}/three_d_secure_service/offsite?token=${tokenId}&locale=${params.get('locale')}`;
  return { session, payment: null, redirectUrl };
}
