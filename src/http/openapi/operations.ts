/**
 * What the OpenAPI document says about each API route beyond its request schemas (which come
 * from the route's own TypeBox `schema`): a summary, a tag, the success responses (component ids
 * from ./schemas.ts) and the errors peculiar to it. The errors every route shares (400, 401, 403,
 * 404, 409, 422, 500, 503) are derived from the route itself in ./document.ts.
 *
 * Keyed by `METHOD url` exactly as the route is registered; test/http/openapi.test.ts fails when a
 * route under /api/v1 has no entry here, so a new route cannot go undocumented.
 */

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
  { name: 'Payment methods', description: "The merchant's enabled payment methods." },
  { name: 'Tokens', description: 'One-time payment details, made from the browser with the publishable key.' },
  { name: 'Secure tokens', description: '3-D Secure for direct API card payments.' },
  { name: 'Customers', description: 'Stored cards for later payments.' },
  { name: 'Sessions', description: 'Hosted Page checkout sessions.' },
  { name: 'Events', description: 'The event log (what webhooks deliver).' },
  { name: 'Webhooks', description: 'Webhook endpoints and their deliveries (a kessai extension: KOMOJU manages these in its dashboard).' },
  { name: 'Test helpers', description: 'Test-mode merchants only: pay or fail a payment, move the clock, settle refund requests.' },
  { name: 'CORS', description: 'Preflights for the publishable-key routes, answered without a key.' },
  { name: 'Meta', description: 'Liveness and this document.' },
] as const;

export type Tag = (typeof TAGS)[number]['name'];

const DECLINE =
  'A declined card or prepaid number (`insufficient_funds`, `card_declined`, …): the payment is recorded as `failed`. `bad_gateway`: live mode with no payment processor configured; nothing is recorded.';
const NO_LIVE_PROCESSOR = '`bad_gateway`: live mode with no payment processor configured; nothing is recorded.';

export const OPERATIONS: Record<string, Operation> = {
  'POST /api/v1/payments': {
    summary: 'Create a payment',
    description:
      'Pays with `payment_details` (a hash of a method\'s fields, a token `tok_…`, or a verified secure token) or with a stored `customer`. Tax defaults to 10 % of `amount` when omitted. A prepaid card short of the total answers 202 with a `pending` payment; continue it with `PATCH /payments/:id`.',
    tag: 'Payments',
    responses: { 200: 'Payment', 202: 'Payment' },
    errors: { 502: DECLINE },
    scenario: true,
  },
  'GET /api/v1/payments': {
    summary: 'List payments',
    description: 'Newest first.',
    tag: 'Payments',
    responses: { 200: 'PaymentList' },
  },
  'GET /api/v1/payments/:id': { summary: 'Retrieve a payment', tag: 'Payments', responses: { 200: 'Payment' } },
  'PATCH /api/v1/payments/:id': {
    summary: 'Update a payment',
    description:
      'Changes `description`, `metadata`, `external_order_num`; with `payment_details[prepaid_number]`, continues a `pending` prepaid payment (202 while still short).',
    tag: 'Payments',
    responses: { 200: 'Payment', 202: 'Payment' },
    errors: { 502: DECLINE },
  },
  'POST /api/v1/payments/:id/capture': {
    summary: 'Capture a payment',
    description: 'An `authorized` card payment; `amount` may be smaller than authorized.',
    tag: 'Payments',
    responses: { 200: 'Payment' },
  },
  'POST /api/v1/payments/:id/refund': {
    summary: 'Refund a payment',
    description: 'Everything left, or `amount` of it. Cash methods (konbini, bank transfer, PayEasy) answer `not_refundable`: use `refund_request`.',
    tag: 'Payments',
    responses: { 200: 'Payment' },
  },
  'POST /api/v1/payments/:id/cancel': {
    summary: 'Cancel a payment',
    description: 'A `pending` or `authorized` payment.',
    tag: 'Payments',
    responses: { 200: 'Payment' },
  },
  'POST /api/v1/payments/:id/refund_request': {
    summary: 'Request a bank refund',
    description: 'Refunds a captured konbini / bank transfer / PayEasy payment by bank transfer: adds a `pending` entry to `refund_requests`.',
    tag: 'Payments',
    responses: { 200: 'Payment' },
  },
  'GET /api/v1/payment_methods': {
    summary: 'List enabled payment methods',
    tag: 'Payment methods',
    responses: { 200: 'AvailablePaymentMethodList' },
  },
  'POST /api/v1/tokens': {
    summary: 'Create a token',
    description:
      'One set of payment details for one use within 30 days, checked exactly as by `POST /payments`. The answer shows only `type` and contact fields, never a number, CVV, password or birthday.',
    tag: 'Tokens',
    responses: { 200: 'Token' },
  },
  'POST /api/v1/secure_tokens': {
    summary: 'Create a 3-D Secure token',
    description: 'Send the customer to `authentication_url`; they come back to `return_url`. Then read the token and pay with its id when `OK`.',
    tag: 'Secure tokens',
    responses: { 200: 'SecureToken' },
    errors: { 502: NO_LIVE_PROCESSOR },
  },
  'GET /api/v1/secure_tokens/:id': { summary: 'Retrieve a 3-D Secure token', tag: 'Secure tokens', responses: { 200: 'SecureToken' } },
  'POST /api/v1/customers': {
    summary: 'Create a customer',
    description: 'Stores a card (hash or token, encrypted, without its CVV) for later payments with `customer=<id>`.',
    tag: 'Customers',
    responses: { 200: 'Customer' },
    scenario: true,
  },
  'GET /api/v1/customers': { summary: 'List customers', description: 'Newest first.', tag: 'Customers', responses: { 200: 'CustomerList' } },
  'GET /api/v1/customers/:id': { summary: 'Retrieve a customer', tag: 'Customers', responses: { 200: 'Customer' } },
  'PATCH /api/v1/customers/:id': { summary: 'Update a customer', tag: 'Customers', responses: { 200: 'Customer' } },
  'DELETE /api/v1/customers/:id': {
    summary: 'Delete a customer',
    description: 'Erases it with its stored details; answers it as it was.',
    tag: 'Customers',
    responses: { 200: 'Customer' },
  },
  'POST /api/v1/sessions': {
    summary: 'Create a session',
    description: 'A Hosted Page checkout: send the customer to `session_url`. They come back to `return_url` with `session_id` added.',
    tag: 'Sessions',
    responses: { 200: 'Session' },
    scenario: true,
  },
  'GET /api/v1/sessions/:id': { summary: 'Retrieve a session', tag: 'Sessions', responses: { 200: 'Session' } },
  'POST /api/v1/sessions/:id/pay': {
    summary: 'Pay a session',
    description:
      'Pays a pending, unexpired session with details of a method it offers. A failure answers the error envelope with `"status": "error"`; a decline leaves the session payable.',
    tag: 'Sessions',
    responses: { 200: 'SessionPayResult' },
    errors: { 502: DECLINE },
    scenario: true,
  },
  'POST /api/v1/sessions/:id/cancel': { summary: 'Cancel a session', tag: 'Sessions', responses: { 200: 'Session' } },
  'DELETE /api/v1/external_customers/:id': {
    summary: 'Delete a one-click card',
    description: "Erases the card a Hosted Page customer saved for one-click payment; `:id` is the session's `external_customer_id`.",
    tag: 'Sessions',
    responses: { 200: 'DeletedExternalCustomer' },
  },
  'GET /api/v1/events': { summary: 'List events', description: 'Newest first.', tag: 'Events', responses: { 200: 'EventList' } },
  'GET /api/v1/events/stream': {
    summary: 'Stream events',
    description:
      "The merchant's new events as they commit, as server-sent events: `id: <event id>`, `event: <type>`, `data: <the webhook body>`. With `Last-Event-ID` it resumes after that event.",
    tag: 'Events',
    responses: { 200: { description: 'An endless `text/event-stream`.', contentType: 'text/event-stream' } },
  },
  'GET /api/v1/events/:id': { summary: 'Retrieve an event', tag: 'Events', responses: { 200: 'Event' } },
  'POST /api/v1/events/:id/redeliver': {
    summary: 'Redeliver an event',
    description: 'Sends the event again to every active endpoint that receives it (or only `webhook`); answers its deliveries.',
    tag: 'Webhooks',
    responses: { 200: 'WebhookDeliveryList' },
  },
  'POST /api/v1/webhooks': {
    summary: 'Create a webhook endpoint',
    description: 'The secret is generated when absent; `events` empty means every type. The endpoint is sent a `ping`.',
    tag: 'Webhooks',
    responses: { 200: 'Webhook' },
  },
  'GET /api/v1/webhooks': { summary: 'List webhook endpoints', description: 'Oldest first.', tag: 'Webhooks', responses: { 200: 'WebhookList' } },
  'GET /api/v1/webhooks/:id': { summary: 'Retrieve a webhook endpoint', tag: 'Webhooks', responses: { 200: 'Webhook' } },
  'PATCH /api/v1/webhooks/:id': {
    summary: 'Update a webhook endpoint',
    description: '`active: false` pauses its deliveries.',
    tag: 'Webhooks',
    responses: { 200: 'Webhook' },
  },
  'DELETE /api/v1/webhooks/:id': {
    summary: 'Delete a webhook endpoint',
    description: 'With its delivery history; answers it as it was, with `deleted: true`.',
    tag: 'Webhooks',
    responses: { 200: 'DeletedWebhook' },
  },
  'GET /api/v1/webhooks/:id/deliveries': {
    summary: "List an endpoint's deliveries",
    description: 'Newest first, each with every attempt.',
    tag: 'Webhooks',
    responses: { 200: 'WebhookDeliveryList' },
  },
  'POST /api/v1/test_helpers/payments/:id/pay': {
    summary: 'Pay an authorized payment',
    description: 'The customer pays a konbini / bank transfer / PayEasy / offsite payment: `captured`, `payment.captured`.',
    tag: 'Test helpers',
    responses: { 200: 'Payment' },
  },
  'POST /api/v1/test_helpers/payments/:id/fail': {
    summary: 'Fail an authorized payment',
    description: '`failed` with `code` (default `card_declined`), `payment.failed`.',
    tag: 'Test helpers',
    responses: { 200: 'Payment' },
  },
  'POST /api/v1/test_helpers/clock/advance': {
    summary: "Advance the merchant's clock",
    description: 'Every payment whose deadline passes expires at once (`expired_payments` counts them).',
    tag: 'Test helpers',
    responses: { 200: 'TestClock' },
  },
  'GET /api/v1/test_helpers/clock': { summary: "Read the merchant's clock", tag: 'Test helpers', responses: { 200: 'TestClock' } },
  'POST /api/v1/test_helpers/refund_requests/:id/:outcome': {
    summary: 'Settle a refund request',
    description: '`complete` records the refund; `reject` does not. Answers the payment.',
    tag: 'Test helpers',
    responses: { 200: 'Payment' },
  },
  'GET /api/v1/openapi.json': {
    summary: 'Get the OpenAPI document',
    description: 'OpenAPI 3.1, generated from the route schemas. Rendered at `/docs`.',
    tag: 'Meta',
    responses: { 200: { description: 'The OpenAPI document.' } },
  },
  'GET /health': { summary: 'Check liveness', tag: 'Meta', responses: { 200: 'Health' } },
};
