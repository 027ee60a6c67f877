import { Type } from '@sinclair/typebox';
import { offsiteMethod } from './_shared/offsite';

/**
 * Nexus transfer: the seed shows only a token example, `provider=mega-shark` and nothing else;
 * the digest leaves flow and currency open ("?"). Followed here: a bank-transfer network reached
 * by redirect (the provider chosen in the request is the one the customer is sent to), answered
 * like japan_mobile — `provider` echoed in the response. No currency is documented, so every
 * currency kessai knows is taken.
 */
export const nexusTransfer = offsiteMethod({
  type: 'nexus_transfer',
  names: { en: 'Nexus Transfer', ja: 'Nexus Transfer', ko: 'Nexus Transfer' },
  currencies: 'all',
  fields: { provider: Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,63}$' }) },
  checkoutFields: [{ name: 'provider', label: { en: 'Provider', ja: 'プロバイダー', ko: '제공업체' }, kind: 'text', required: true }],
  testScenarios: [{ input: { provider: 'mega-shark' }, outcome: 'authorized', note: "the seed's provider: authorized with a redirect_url" }],
  publicDetails: (details, { type, email, redirect_url }) => ({ type, email, provider: details.provider, redirect_url }),
});
