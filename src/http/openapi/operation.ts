/**
 * What the OpenAPI document says about an API route beyond its request schemas (which come from
 * the route's own TypeBox `schema`): a summary, a tag, the success responses (component ids from
 * ./schemas.ts) and the errors peculiar to it. The errors every route shares (400, 401, 403, 404,
 * 409, 422, 500, 503) are derived from the route itself in ./document.ts.
 *
 * Each route declares its own, next to its schema, in its options:
 *
 *   app.get('/api/v1/payments/:id', { schema: { params: IdParams }, config: { operation } }, …)
 *
 * test/http/openapi.test.ts fails when a route under /api/v1 has none, so a new route cannot go
 * undocumented.
 */
declare module 'fastify' {
  interface FastifyContextConfig {
    operation?: Operation;
  }
}

export interface Operation {
  summary: string;
  description?: string;
  tag: Tag;
  /** Status → component id (`Payment`) or a response without a JSON body. */
  responses: Record<number, string | { description: string; contentType?: string }>;
  /** Extra error statuses beyond the derived ones, with what they mean here. */
  errors?: Record<number, string>;
  /** Honours the test-mode `Komoju-Scenario` header. */
  scenario?: boolean;
}

export const TAGS = [
  { name: 'Payments', description: 'Create, read, capture, refund and cancel payments.' },
  { name: 'Barcodes', description: "Konbini payments' barcodes, for the customer's phone at the till." },
  { name: 'Payment methods', description: "The merchant's enabled payment methods." },
  { name: 'Tokens', description: 'One-time payment details, made from the browser with the publishable key.' },
  { name: 'Secure tokens', description: '3-D Secure for direct API card payments.' },
  { name: 'Customers', description: 'Stored cards for later payments.' },
  { name: 'Subscriptions', description: "Recurring charges of a customer's stored card, billed on the merchant's clock." },
  { name: 'Sessions', description: 'Hosted Page checkout sessions.' },
  { name: 'Chargebacks', description: 'Disputes of captured card payments: list, read, accept or defend them before their due date.' },
  { name: 'Events', description: 'The event log (what webhooks deliver).' },
  { name: 'Balances', description: 'The unsettled balance per currency and its ledger of transactions.' },
  { name: 'Settlements', description: 'Monthly settlements computed from the ledger, with CSV, PDF and XLSX files.' },
  { name: 'Disbursements', description: 'Bank transfers paid out of the balance.' },
  { name: 'Webhooks', description: 'Webhook endpoints and their deliveries (a kessai extension: KOMOJU manages these in its dashboard).' },
  { name: 'Test helpers', description: 'Test-mode merchants only: pay or fail a payment, move the clock, settle refund requests, open and decide chargebacks.' },
  { name: 'CORS', description: 'Preflights for the publishable-key routes, answered without a key.' },
  { name: 'Meta', description: 'Liveness and this document.' },
] as const;

export type Tag = (typeof TAGS)[number]['name'];

/** A 502 of the routes that ask the payment processor without recording a payment first. */
export const NO_LIVE_PROCESSOR = '`bad_gateway`: live mode with no payment processor configured; nothing is recorded.';

/** A 502 of the routes that charge: a decline is recorded, a missing live processor is not. */
export const DECLINE = `A declined card or prepaid number (\`insufficient_funds\`, \`card_declined\`, …): the payment is recorded as \`failed\`. ${NO_LIVE_PROCESSOR}`;
