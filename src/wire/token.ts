import { timestamp } from './time';
import type { Token } from '../model/token';

/** Token → KOMOJU JSON, as the seed's 23 token examples print it: no number, CVV or password. */
export function serializeToken(token: Token): Record<string, unknown> {
  return {
    id: token.id,
    resource: 'token',
    created_at: timestamp(token.created_at),
    payment_details: token.payment_details,
  };
}

/**
 * Secure token → JSON with the fields of KOMOJU's SecureToken (SDK models/secure-token.ts):
 * `authentication_url` is this server's 3-D Secure page for the token.
 */
export function serializeSecureToken(token: Token, publicUrl: string): Record<string, unknown> {
  return {
    id: token.id,
    verification_status: token.verification_status,
    authentication_url: authenticationUrl(publicUrl, token.id),
    created_at: timestamp(token.created_at),
  };
}

export function authenticationUrl(publicUrl: string, tokenId: string): string {
  return `${publicUrl}/three_d_secure_service/offsite?token=${tokenId}`;
}
