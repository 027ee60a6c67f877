import { Type } from '@sinclair/typebox';

/**
 * The mail outbox's e-mail (src/wire/mail.ts), for the OpenAPI document; listed in COMPONENTS of
 * ./schemas.ts with its list envelope. A file of its own because schemas.ts is at its size limit.
 */
const Timestamp = Type.String({ format: 'date-time', description: 'ISO 8601 in UTC, whole seconds.' });
const nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()]);
const oneOf = (values: readonly string[], description: string) => Type.Unsafe<string>({ type: 'string', enum: [...values], description });

export const Email = Type.Object(
  {
    id: Type.String({ description: '25 lowercase alphanumerics.' }),
    resource: Type.Literal('email'),
    payment: Type.String({ description: 'The payment it is about.' }),
    event: Type.String({ description: 'The event whose change sent it.' }),
    kind: oneOf(['instructions', 'receipt', 'refund'], 'Payment instructions (konbini, bank transfer, PayEasy), a receipt on capture, a refund notice.'),
    to: Type.String({ description: "The payment's e-mail, else its customer's." }),
    subject: Type.String(),
    locale: oneOf(['ja', 'en', 'ko'], "The payment's locale (`ja` for one the pages do not speak)."),
    html: Type.String(),
    text: Type.String(),
    status: oneOf(['kept', 'queued', 'sent', 'failed'], '`kept` in test mode, and in live mode without an SMTP server (never sent); live mode: `queued`, then `sent` or `failed`.'),
    attempts: Type.Integer({ description: 'SMTP tries so far.' }),
    last_error: nullable(Type.String()),
    sent_at: Type.Union([Timestamp, Type.Null()]),
    created_at: Timestamp,
  },
  { $id: 'Email', description: 'An e-mail to the customer, from the mail outbox (a kessai extension).' },
);
