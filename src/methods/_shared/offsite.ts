import { Type, type TProperties } from '@sinclair/typebox';
import { WEB_URL } from '../../lib/web-url';
import type { AuthorizeContext, CheckoutField, PaymentMethod, PrepareContext, TestScenario } from '../method';

/**
 * What every offsite (redirect) method shares. KOMOJU answers such a payment `authorized` with
 * `payment_details.redirect_url`, the page the customer must visit to pay (seeds/002 examples for
 * line_pay, merpay, japan_mobile, paidy, mobile; docs/decisions.md #3). Here that page is this server's
 * offsite simulator, `<public url>/offsite/new?uuid=<payment id>`, where the customer approves,
 * declines or cancels; the result reaches the merchant by webhook and by the return_url.
 *
 * The customer has OFFSITE_WAIT_MS to finish at the provider: `payment_deadline` is that, and a
 * payment abandoned there expires like an unpaid konbini slip. The money comes back through
 * POST /payments/:id/refund like a card's (wallets refund online; only the cash methods need
 * refund requests).
 */

/**
 * How long an offsite payment waits for the customer. KOMOJU documents no deadline for them (its
 * examples, made at creation, show `payment_deadline: null`); a day is as long as a hosted
 * session lives (`expires_in_seconds` at most 86400), past which no shopper can come back to it.
 */
export const OFFSITE_WAIT_MS = 86_400_000;

/** The request fields every offsite method accepts; modules add their own beside these. */
export const OFFSITE_FIELDS = {
  email: Type.Optional(Type.String({ format: 'email', maxLength: 255 })),
  /**
   * Where the simulator sends the customer afterwards. KOMOJU's method tables put it inside
   * payment_details, its examples send it top level; both are accepted and this one wins
   * (docs/decisions.md #11) — the core stores `prepared.return_url ?? input.return_url`.
   */
  return_url: Type.Optional(Type.String({ format: WEB_URL, maxLength: 2048 })),
} satisfies TProperties;

export interface OffsiteSpec {
  type: string;
  names: PaymentMethod['names'];
  currencies: PaymentMethod['currencies'];
  limits?: PaymentMethod['limits'];
  subtypes?: PaymentMethod['subtypes'];
  customerMode?: PaymentMethod['customerMode'];
  /** payment_details properties besides `type`, `email` and `return_url`. */
  fields?: TProperties;
  checkoutFields?: readonly CheckoutField[];
  /** Defaults to one scenario: any input → `authorized` with a redirect_url. */
  testScenarios?: readonly TestScenario[];
  /** Semantic checks beyond the schema; returns the normalised details. */
  prepare?(details: Record<string, unknown>, context: PrepareContext): Record<string, unknown>;
  /**
   * The response's payment_details, given the common `{type, email, redirect_url}`; methods that
   * show more (japan_mobile's `provider`, paypay's `external_payment_id`) build on it.
   */
  publicDetails?(details: Record<string, unknown>, base: OffsiteDetails, context: AuthorizeContext): Record<string, unknown>;
  /** Inputs to keep for the provider but never show (toss's birthday, Paidy's buyer data). */
  secretDetails?(details: Record<string, unknown>): Record<string, unknown> | undefined;
}

export interface OffsiteDetails {
  type: string;
  email: string | null;
  redirect_url: string;
}

/** The one scenario of an offsite method in test mode: the simulator decides the rest. */
export const REDIRECT_SCENARIO: TestScenario = {
  input: {},
  outcome: 'authorized',
  note: 'authorized with a redirect_url to the offsite simulator (Approve → captured, Decline → failed, Cancel → cancelled)',
};

/**
 * Builds a PaymentMethod for an offsite type from its declarations.
 *
 * @example
 *   export const linePay = offsiteMethod({
 *     type: 'line_pay',
 *     names: { en: 'LINE Pay', ja: 'LINE Pay', ko: 'LINE Pay' },
 *     currencies: ['JPY'],
 *   });
 */
export function offsiteMethod(spec: OffsiteSpec): PaymentMethod {
  const detailsSchema = Type.Object(
    { type: Type.Literal(spec.type), ...OFFSITE_FIELDS, ...spec.fields },
    { additionalProperties: false },
  );
  return {
    type: spec.type,
    names: spec.names,
    currencies: spec.currencies,
    limits: spec.limits,
    flow: 'offsite',
    refundable: true,
    subtypes: spec.subtypes,
    customerMode: spec.customerMode,
    detailsSchema,
    checkoutFields: spec.checkoutFields ?? [],
    testScenarios: spec.testScenarios ?? [REDIRECT_SCENARIO],

    prepare(details, context) {
      return spec.prepare ? spec.prepare(details, context) : details;
    },

    async authorize(details, context) {
      const base: OffsiteDetails = {
        type: spec.type,
        email: (details.email as string | undefined) ?? null,
        redirect_url: context.urls.offsite,
      };
      const secretDetails = spec.secretDetails?.(details);
      return {
        outcome: 'authorized',
        deadline: new Date(context.now.getTime() + OFFSITE_WAIT_MS),
        publicDetails: spec.publicDetails ? spec.publicDetails(details, base, context) : { ...base },
        ...(secretDetails && Object.keys(secretDetails).length > 0 ? { secretDetails } : {}),
      };
    },
  };
}

/** `details` without the keys whose value is undefined (for secretDetails). */
export function present(details: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter((key) => details[key] !== undefined).map((key) => [key, details[key]]));
}
