import { Type, type Static, type TSchema } from '@sinclair/typebox';

/**
 * The shape of a scenario file (`kessai run`, docs/testing.md#scenario-files). Closed objects
 * (`additionalProperties: false`) everywhere a typo could hide: `paymnet:` is reported, not
 * silently ignored. What is matched against answers (`expect`, `expect_event`) stays open.
 */
const closed = <T extends Record<string, TSchema>>(properties: T, description?: string) =>
  Type.Object(properties, { additionalProperties: false, ...(description ? { description } : {}) });

/** A value that becomes a string after references are resolved: `${steps.pay.id}` or a literal id. */
const Text = Type.String({ minLength: 1 });

const Request = closed({
  method: Type.Union(['GET', 'POST', 'PATCH', 'PUT', 'DELETE'].map((method) => Type.Literal(method))),
  path: Type.String({ pattern: '^/' }),
  body: Type.Optional(Type.Unknown()),
  headers: Type.Optional(Type.Record(Type.String(), Type.String())),
  idempotency_key: Type.Optional(Text),
});

const OnPayment = closed({ payment: Text });

const Fail = closed({ payment: Text, code: Type.Optional(Text) });

const Authenticate = closed({
  /** The secure token's id (`tok_…`), or an authentication URL (a session's `redirect_url`). */
  secure_token: Text,
  result: Type.Union([Type.Literal('pass'), Type.Literal('fail')]),
});

const Duration = Type.Integer({ minimum: 0 });
const AdvanceClock = closed({
  seconds: Type.Optional(Duration),
  minutes: Type.Optional(Duration),
  hours: Type.Optional(Duration),
  days: Type.Optional(Duration),
});

const ExpectEvent = Type.Object(
  { type: Text, timeout_seconds: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 600 })) },
  { additionalProperties: true },
);

/** The actions a step may take, one per step (a step with none only waits for `expect_event`). */
export const ACTIONS = ['request', 'pay', 'fail', 'approve', 'decline', 'abandon', 'authenticate', 'deposit', 'advance_clock'] as const;
export type ActionName = (typeof ACTIONS)[number];

export const StepSchema = closed({
  id: Type.Optional(Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_-]*$' })),
  description: Type.Optional(Type.String()),
  request: Type.Optional(Request),
  pay: Type.Optional(OnPayment),
  fail: Type.Optional(Fail),
  approve: Type.Optional(OnPayment),
  decline: Type.Optional(OnPayment),
  abandon: Type.Optional(OnPayment),
  authenticate: Type.Optional(Authenticate),
  deposit: Type.Optional(OnPayment),
  advance_clock: Type.Optional(AdvanceClock),
  expect: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  expect_event: Type.Optional(ExpectEvent),
});

export const ScenarioSchema = closed({
  name: Text,
  description: Type.Optional(Type.String()),
  steps: Type.Array(StepSchema, { minItems: 1 }),
});

export type Step = Static<typeof StepSchema>;
export type Scenario = Static<typeof ScenarioSchema>;
export type RequestAction = Static<typeof Request>;
export type AuthenticateAction = Static<typeof Authenticate>;
export type AdvanceClockAction = Static<typeof AdvanceClock>;
export type ExpectedEvent = Static<typeof ExpectEvent>;
