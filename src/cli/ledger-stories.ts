import { Refusal } from './refusal';
import { call, createPayment, TEST_CARD, type Story, type StoryContext } from './story-steps';

/**
 * `kessai trigger settlement.*` and `disbursement.*`: the money leaving kessai. Each starts with
 * a captured card payment, so the balance covers what follows; the settlement stories move the
 * merchant's test clock past the month's end (and its payout), the transfers' past the day a
 * transfer takes (said in the output).
 */

const JAPAN_MS = 9 * 3600 * 1000;
const DAY_S = 86400;

/** A month closes at 00:00 Japan time on the 1st of the next (docs/compatibility.md, settlements). */
function nextMonthStartInJapan(now: Date): Date {
  const japan = new Date(now.getTime() + JAPAN_MS);
  return new Date(Date.UTC(japan.getUTCFullYear(), japan.getUTCMonth() + 1, 1) - JAPAN_MS);
}

/** Moves the merchant's test clock to a minute past `at`, saying why. */
async function advanceTo(ctx: StoryContext, at: Date, why: string): Promise<void> {
  const clock = await call(ctx, 'GET', '/api/v1/test_helpers/clock');
  const seconds = Math.max(1, Math.ceil((at.getTime() - Date.parse(clock.now)) / 1000) + 60);
  const advanced = await call(ctx, 'POST', '/api/v1/test_helpers/clock/advance', { seconds });
  ctx.note(`moved this merchant's test clock forward by ${seconds} s (now ${advanced.now}): ${why}`);
}

function recordSettlement(ctx: StoryContext, settlement: any): any {
  ctx.made({ resource: 'settlement', id: settlement.id, status: settlement.status, detail: `${settlement.cycle}, ${settlement.remittance_amount_cents} ${settlement.currency} to remit` });
  return settlement;
}

function recordDisbursement(ctx: StoryContext, disbursement: any): any {
  ctx.made({ resource: 'disbursement', id: disbursement.id, status: disbursement.status, detail: `${disbursement.amount} ${disbursement.currency} to ${disbursement.account_number}` });
  return disbursement;
}

/** A captured payment, then the month closed: the merchant's newest settlement in its currency. */
async function settled(ctx: StoryContext): Promise<any> {
  const payment = await createPayment(ctx, { amount: 10000, payment_details: TEST_CARD });
  await advanceTo(ctx, nextMonthStartInJapan(new Date(payment.created_at)), "the month closed, and settlements were made for every currency's balance");
  const list = await call(ctx, 'GET', '/api/v1/settlements?per_page=100');
  const settlement = list.data.find((s: any) => s.currency === payment.currency);
  if (!settlement) throw new Refusal(`no ${payment.currency} settlement after the month closed: the balance did not cover the bank transfer fee`);
  return recordSettlement(ctx, settlement);
}

/** A captured payment, then a transfer of part of it to `account_number`. */
async function disbursed(ctx: StoryContext, accountNumber: string): Promise<any> {
  await createPayment(ctx, { amount: 10000, payment_details: TEST_CARD });
  const body = ctx.body('disbursement', {
    amount: 5000,
    currency: 'JPY',
    bank_code: '0001',
    branch_code: '001',
    account_type: 'ordinary',
    account_number: accountNumber,
    account_name_kana: 'ヤマダ タロウ',
  });
  return recordDisbursement(ctx, await call(ctx, 'POST', '/api/v1/disbursements', body));
}

async function transferred(ctx: StoryContext, accountNumber: string): Promise<void> {
  const disbursement = await disbursed(ctx, accountNumber);
  await advanceTo(ctx, new Date(Date.parse(disbursement.created_at) + DAY_S * 1000), 'pending bank transfers due by then were made');
  recordDisbursement(ctx, await call(ctx, 'GET', `/api/v1/disbursements/${disbursement.id}`));
}

const PAID = ['payment.captured'];

export const LEDGER_TRIGGERS: Story[] = [
  {
    name: 'settlement.created',
    description: "a captured card payment, then the test clock past the month's end: a pending settlement",
    events: [...PAID, 'settlement.created'],
    steps: ['payment'],
    run: async (ctx) => void (await settled(ctx)),
  },
  {
    name: 'settlement.paid',
    description: 'a settlement whose payout date the test clock passes (the last day of the next month)',
    events: [...PAID, 'settlement.created', 'settlement.paid'],
    steps: ['payment'],
    run: async (ctx) => {
      const settlement = await settled(ctx);
      // Paid at 00:00 Japan time on the last day of the month after the cutoff: before the month after that starts.
      const payout = new Date(nextMonthStartInJapan(new Date(settlement.cutoff_time)).getTime() - DAY_S * 1000);
      await advanceTo(ctx, payout, 'settlements due by then were paid');
      recordSettlement(ctx, await call(ctx, 'GET', `/api/v1/settlements/${settlement.id}`));
    },
  },
  {
    name: 'disbursement.created',
    description: 'a captured card payment, then a bank transfer of 5,000 JPY from the balance: pending',
    events: [...PAID, 'disbursement.created'],
    steps: ['payment', 'disbursement'],
    run: async (ctx) => void (await disbursed(ctx, '1234567')),
  },
  {
    name: 'disbursement.paid',
    description: 'a disbursement whose transfer the test clock reaches a day later: paid',
    events: [...PAID, 'disbursement.created', 'disbursement.paid'],
    steps: ['payment', 'disbursement'],
    run: (ctx) => transferred(ctx, '1234567'),
  },
  {
    name: 'disbursement.failed',
    description: 'a disbursement to the failing test account 0000000: failed a day later, credited back',
    events: [...PAID, 'disbursement.created', 'disbursement.failed'],
    steps: ['payment', 'disbursement'],
    run: (ctx) => transferred(ctx, '0000000'),
  },
  {
    name: 'disbursement.cancelled',
    description: 'a pending disbursement the merchant cancels, credited back',
    events: [...PAID, 'disbursement.created', 'disbursement.cancelled'],
    steps: ['payment', 'disbursement', 'cancel'],
    run: async (ctx) => {
      const disbursement = await disbursed(ctx, '1234567');
      const body = ctx.body('cancel', { cancel_reason: 'Paid by hand instead' });
      recordDisbursement(ctx, await call(ctx, 'POST', `/api/v1/disbursements/${disbursement.id}/cancel`, body));
    },
  },
];
