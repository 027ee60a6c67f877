import type { Merchant } from '../model/merchant';

// Its own file, importing nothing of domain: Services (context.ts) holds these settings, and
// webhooks.ts needs Actor from context.ts; with the settings in webhooks.ts the two imported each
// other.

/** How this process delivers webhooks (docs/configuration.md). */
export interface WebhookSettings {
  /**
   * Whether receivers on private and loopback addresses are refused: `auto` refuses them for
   * live-mode merchants only (a test merchant's receiver on localhost is the point).
   */
  privateAddresses: 'auto' | 'allow' | 'refuse';
  /** Per attempt, connection to last byte. docs/decisions.md #12: 10 s. */
  timeoutMs: number;
  /** Requests in flight to one endpoint from one process (applied by EndpointSlots, webhook-slots.ts). */
  concurrencyPerEndpoint: number;
}

export function refusesPrivateAddresses(settings: WebhookSettings, mode: Merchant['mode']): boolean {
  return settings.privateAddresses === 'refuse' || (settings.privateAddresses === 'auto' && mode === 'live');
}
