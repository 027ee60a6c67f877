import type { TObject } from '@sinclair/typebox';
import type { Currency } from '../kernel/money';
import type { DeclineCode } from '../kernel/errors';
import type { DisputePlan, Processor } from '../processors/processor';
import type { IdSource } from '../lib/ids';

/**
 * What every payment method module declares. The core never branches on a method's name: it reads
 * these declarations (currencies, limits, expiry, capture mode, request schema, checkout fields,
 * test scenarios) and calls the hooks.
 */
export interface PaymentMethod {
  type: string;
  names: Localized;
  /** Currencies the method takes; `all` for every currency kessai knows. */
  currencies: readonly Currency[] | 'all';
  /** Bounds on the payment total, in minor units of the method's currency. */
  limits?: { min: number; max: number };
  /** Days until payment_deadline (end of day, Tokyo) when the request sets no expiry_days. */
  expiry?: { defaultDays: number; maxDays: number };
  /**
   * How money moves: `card` authorizes and captures now (or later with capture=false); `immediate`
   * captures on create; `async` waits for the customer to pay offline; `offsite` redirects;
   * `terminal` is a card present at the merchant's terminal: an EMV chip payment stays authorized
   * until the terminal's outcome is sent to POST /payments/:id/finalize. Sessions never offer it.
   */
  flow: 'card' | 'immediate' | 'async' | 'offsite' | 'terminal';
  /** Whether POST /payments/:id/refund works (cash methods use refund requests instead). */
  refundable: boolean;
  /** Varieties GET /payment_methods lists as `subtypes` (card brands, konbini stores). */
  subtypes?: readonly string[];
  /**
   * Request fields the method's `payment_details` show back when given (cards: name, intent,
   * addresses …), which the source documents' shapes predate: left out without an API version.
   */
  echoedFields?: readonly string[];
  /**
   * The customer chooses one of `subtypes` as the store to pay at (konbini): the hosted page
   * shows the choice as the stores' logos, and a session's `brands` map each store to its logo.
   */
  storePicker?: boolean;
  /**
   * Offered by customer-mode sessions, which save details for later instead of paying: by
   * default when the method can be stored (`store`), otherwise only when the session asks for it.
   */
  customerMode?: boolean;
  /**
   * One-click (a session with `external_customer_id`): the details are saved for that customer
   * and paid with again in one click. Needs `store`.
   */
  oneClick?: boolean;
  /**
   * Some of its payments carry `payment_details.barcode_url` (konbini at a store whose till scans
   * one): GET /barcodes/:payment_id shows their barcode (domain/barcodes.ts).
   */
  barcodes?: boolean;
  /** JSON schema of `payment_details` (besides `type`); coerced and validated before anything else. */
  detailsSchema: TObject;
  /** Inputs the hosted page shows for this method, in order. */
  checkoutFields: readonly CheckoutField[];
  /** Steps the instructions page lists while the payment waits for the customer (cash methods); none when absent. */
  howToPay?: { [Locale in keyof Localized]: readonly string[] };
  /** Documented test inputs and their outcomes, for docs and conformance tests. */
  testScenarios: readonly TestScenario[];
  /**
   * Semantic checks the schema cannot express (Luhn, expiry date …); throws ApiError. Returns the
   * normalised details the other hooks receive.
   */
  prepare(details: Record<string, unknown>, context: PrepareContext): Record<string, unknown>;
  /** Talks to the processor and decides the outcome. Never writes anything. */
  authorize(details: Record<string, unknown>, context: AuthorizeContext): Promise<Authorization>;
  /**
   * Continues a `pending` payment with more details (WebMoney / NET CASH: another prepaid card
   * through PATCH /payments/:id). `previous` is the payment's current public payment_details.
   * The result's `secretDetails` are merged (shallow) into those already kept. Methods without it
   * cannot be continued.
   */
  continue?(details: Record<string, unknown>, previous: Record<string, unknown>, context: AuthorizeContext): Promise<Authorization>;
  /**
   * Stores details on a customer for later payments: `kept` is what later payments will charge
   * (the checked details less anything good for one payment only, like a CVV), `source` what the
   * customer resource shows of them. `prepared` is prepare's result. Methods without it cannot be
   * stored on a customer.
   */
  store?(details: Record<string, unknown>, prepared: Record<string, unknown>): StoredDetails;
}

export interface StoredDetails {
  kept: Record<string, unknown>;
  source: Record<string, unknown>;
}

/** A text in each language of the customer's pages. */
export interface Localized {
  en: string;
  ja: string;
  ko: string;
}

export interface CheckoutField {
  name: string;
  /** What the hosted page writes above the input, in the page's language. */
  label: Localized;
  kind: 'text' | 'email' | 'tel' | 'card_number' | 'card_expiry' | 'card_cvc' | 'select' | 'password';
  required: boolean;
  autocomplete?: string;
  options?: readonly string[];
}

export interface TestScenario {
  input: Record<string, string>;
  outcome: 'captured' | 'authorized' | 'pending' | DeclineCode;
  note: string;
}

export interface PrepareContext {
  now: Date;
}

export interface AuthorizeContext {
  now: Date;
  /** The id the payment will have (links in payment_details carry it). */
  paymentId: string;
  amount: number;
  total: number;
  currency: Currency;
  locale: 'ja' | 'en' | 'ko';
  /** false: leave the payment authorized for a later capture (card flow only). */
  capture: boolean;
  processor: Processor;
  /** Where codes shown in payment_details come from: random, or repeatable for a seeded merchant. */
  ids: IdSource;
  /**
   * Pages this server hosts for the payment: `instructions_url`, the offsite `redirect_url`, and
   * the API's `barcode_url` (GET /api/v1/barcodes/:payment_id).
   */
  urls: { instructions: string; offsite: string; barcode: string };
  /** The payment's deadline as the core computed it from `expiry` (null when the method has none). */
  deadline: Date | null;
}

export interface Authorization {
  outcome: 'captured' | 'authorized' | 'pending' | 'declined';
  declineCode?: DeclineCode;
  /** payment_details exactly as the API will show them. */
  publicDetails: Record<string, unknown>;
  /** Sensitive details to keep, encrypted by the vault (e.g. the card number). Never a CVV. */
  secretDetails?: Record<string, unknown>;
  /** Overrides the deadline computed from `expiry`. */
  deadline?: Date | null;
  fee?: number;
  /** A test card's dispute to come (src/processors/test-processor.ts), kept with the payment. */
  dispute?: DisputePlan;
}
