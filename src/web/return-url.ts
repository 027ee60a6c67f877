/**
 * The merchant's return_url with `payment_id=<id>` added to its query, the rest kept byte for
 * byte (URLSearchParams would re-encode the merchant's own parameters), before any fragment.
 *
 *   withPaymentId('https://shop.example/done?order=1#top', 'abc'); // 'https://shop.example/done?order=1&payment_id=abc#top'
 */
export function withPaymentId(returnUrl: string, paymentId: string): string {
  const hashAt = returnUrl.indexOf('#');
  const base = hashAt === -1 ? returnUrl : returnUrl.slice(0, hashAt);
  const fragment = hashAt === -1 ? '' : returnUrl.slice(hashAt);
  const separator = !base.includes('?') ? '?' : base.endsWith('?') || base.endsWith('&') ? '' : '&';
  return `${base}${separator}payment_id=${encodeURIComponent(paymentId)}${fragment}`;
}
