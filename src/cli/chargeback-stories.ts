import { call, createPayment, TEST_CARD, type Story, type StoryContext } from './story-steps';

/** A one-page PDF small enough to read: what a defense's `document` carries (base64). */
const RECEIPT_PDF = Buffer.from('%PDF-1.4\n% kessai trigger: proof of delivery\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n').toString('base64');

function recordChargeback(ctx: StoryContext, chargeback: any): any {
  ctx.made({ resource: 'chargeback', id: chargeback.id, status: chargeback.status, detail: `${chargeback.reason_code}, due ${chargeback.due_date}` });
  return chargeback;
}

/** A captured card payment and a dispute of it (test helper): `pending`. */
async function dispute(ctx: StoryContext): Promise<any> {
  const payment = await createPayment(ctx, { payment_details: TEST_CARD });
  const body = ctx.body('chargeback', {});
  return recordChargeback(ctx, await call(ctx, 'POST', `/api/v1/test_helpers/payments/${payment.id}/chargeback`, body, 201));
}

async function defended(ctx: StoryContext): Promise<any> {
  const chargeback = await dispute(ctx);
  const body = ctx.body('defense', {
    description: 'The parcel was delivered and signed for; the signed receipt is attached.',
    product_name: 'Tea set',
    document: { document_base64: RECEIPT_PDF, filename: 'receipt.pdf' },
  });
  await call(ctx, 'POST', `/api/v1/chargeback_requests/${chargeback.id}/defend`, body, 204);
  return recordChargeback(ctx, await call(ctx, 'GET', `/api/v1/chargeback_requests/${chargeback.id}`));
}

async function decided(ctx: StoryContext, outcome: 'win' | 'lose'): Promise<void> {
  const chargeback = await defended(ctx);
  recordChargeback(ctx, await call(ctx, 'POST', `/api/v1/test_helpers/chargeback_requests/${chargeback.id}/${outcome}`, {}));
}

/** Moves the merchant's test clock just past the dispute's due date, which expires it (said in the output). */
async function expired(ctx: StoryContext): Promise<void> {
  const chargeback = await dispute(ctx);
  const clock = await call(ctx, 'GET', '/api/v1/test_helpers/clock');
  const seconds = Math.max(1, Math.ceil((Date.parse(chargeback.due_date) - Date.parse(clock.now)) / 1000) + 1);
  const advanced = await call(ctx, 'POST', '/api/v1/test_helpers/clock/advance', { seconds });
  ctx.note(`moved this merchant's test clock forward by ${seconds} s (now ${advanced.now}); every pending chargeback past its due date expired`);
  recordChargeback(ctx, await call(ctx, 'GET', `/api/v1/chargeback_requests/${chargeback.id}`));
}

const OPENED = ['payment.captured', 'chargeback.created'];

/** `kessai trigger chargeback.*`: one story per chargeback event. */
export const CHARGEBACK_TRIGGERS: Story[] = [
  {
    name: 'chargeback.created',
    description: 'a captured card payment the card holder disputes (test helper): a pending chargeback',
    events: OPENED,
    steps: ['payment', 'chargeback'],
    run: async (ctx) => void (await dispute(ctx)),
  },
  {
    name: 'chargeback.accepted',
    description: 'a disputed card payment whose chargeback the merchant accepts',
    events: [...OPENED, 'chargeback.accepted'],
    steps: ['payment', 'chargeback'],
    run: async (ctx) => {
      const chargeback = await dispute(ctx);
      await call(ctx, 'POST', `/api/v1/chargeback_requests/${chargeback.id}/accept`, undefined, 204);
      recordChargeback(ctx, await call(ctx, 'GET', `/api/v1/chargeback_requests/${chargeback.id}`));
    },
  },
  {
    name: 'chargeback.defended',
    description: 'a disputed card payment the merchant defends with a PDF receipt',
    events: [...OPENED, 'chargeback.defended'],
    steps: ['payment', 'chargeback', 'defense'],
    run: async (ctx) => void (await defended(ctx)),
  },
  {
    name: 'chargeback.won',
    description: 'a defended chargeback the issuer decides for the merchant (test helper): cancelled, the amount credited back',
    events: [...OPENED, 'chargeback.defended', 'chargeback.won'],
    steps: ['payment', 'chargeback', 'defense'],
    run: (ctx) => decided(ctx, 'win'),
  },
  {
    name: 'chargeback.lost',
    description: 'a defended chargeback the issuer decides for the card holder (test helper)',
    events: [...OPENED, 'chargeback.defended', 'chargeback.lost'],
    steps: ['payment', 'chargeback', 'defense'],
    run: (ctx) => decided(ctx, 'lose'),
  },
  {
    name: 'chargeback.expired',
    description: 'a chargeback nobody answers: the test clock moves past its due date (lost)',
    events: [...OPENED, 'chargeback.expired'],
    steps: ['payment', 'chargeback'],
    run: expired,
  },
];
