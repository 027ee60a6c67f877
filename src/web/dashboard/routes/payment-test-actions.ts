import type { FastifyInstance, FastifyRequest } from 'fastify';
import { runCommand } from '../../../domain/commands';
import type { Services } from '../../../domain/context';
import { declineCodes, type Payment, type PaymentActions } from '../../../domain/dashboard/views';
import { completePayment, failPayment } from '../../../domain/payment-completion';
import { RefundRequestBody, requestRefund } from '../../../domain/refund-requests';
import { check } from '../../../domain/validate';
import { logPayment } from '../../../http/payment-log';
import { html, type Html } from '../../html';
import { dashboardActions, type ShowRecord } from '../actions';
import { DashError } from '../errors';
import { csrfField, type DashContext } from '../layout';

/**
 * The payment page's forms for what a customer or the bank does outside the API: in test mode,
 * "Simulate payment" and "Simulate failure" on a payment that waits for its customer (konbini,
 * bank transfer, Pay-easy, offsite), as the test helpers do; and in either mode, on a captured
 * cash payment, the refund request with the customer's bank account, as
 * POST /payments/:id/refund_request (live mode has it too: it is not a test helper).
 */
export function testActionForms(ctx: DashContext, payment: Payment, actions: PaymentActions): Html[] {
  const t = ctx.t.testActions;
  const path = `/dashboard/payments/${payment.id}`;
  const forms: Html[] = [];
  if (actions.simulate) {
    forms.push(html`<form method="post" action="${path}/simulate-payment" class="dash-form dash-action" data-form="simulate-payment">${csrfField(ctx)}
<p class="dash-muted">${t.simulateHint}</p><button type="submit" class="button primary small">${t.simulatePayment}</button></form>`);
    forms.push(html`<form method="post" action="${path}/simulate-failure" class="dash-form dash-action" data-form="simulate-failure">${csrfField(ctx)}
<div class="field"><label for="failure-code">${t.failureCode}</label><select id="failure-code" name="code">${declineCodes().map((code) => html`<option value="${code}">${code}</option>`)}</select></div>
<button type="submit" class="button danger small">${t.simulateFailure}</button></form>`);
  }
  if (actions.refundRequest) forms.push(refundRequestForm(ctx, payment, path));
  return forms;
}

/**
 * Interpolated, not written into the template: the build turns a string's katakana into \u escapes
 * but keeps a template's text as written, and one character beyond Latin-1 makes V8 hold the whole
 * bundled module's source at two bytes a character (1.4 MB more for the server's).
 */
const KANA_NAME_EXAMPLE = 'ヤマダ タロウ';

function refundRequestForm(ctx: DashContext, payment: Payment, path: string): Html {
  const t = ctx.t.testActions;
  const field = (name: string, label: string, attributes: Html | null = null) =>
    html`<div class="field"><label for="rr-${name}">${label}</label><input id="rr-${name}" name="${name}"${attributes}></div>`;
  return html`<form method="post" action="${path}/refund-request" class="dash-form dash-action" data-form="refund-request">${csrfField(ctx)}
<h3>${t.refundRequest}</h3>
${field('amount', t.amount, html` inputmode="numeric" required placeholder="${payment.total - payment.amount_refunded}"`)}
${field('customer_name', t.customerName, html` required placeholder="${KANA_NAME_EXAMPLE}"`)}
${field('bank_name', t.bankName, html` required`)}
${field('bank_code', t.bankCode, html` inputmode="numeric" maxlength="4"`)}
${field('branch_name', t.branchName)}
${field('branch_number', t.branchNumber, html` inputmode="numeric" required maxlength="3"`)}
<div class="field"><label for="rr-account_type">${t.accountType}</label><select id="rr-account_type" name="account_type">${(['normal', 'checking', 'savings'] as const).map(
    (type) => html`<option value="${type}">${t.accountTypes[type]}</option>`,
  )}</select></div>
${field('account_number', t.accountNumber, html` inputmode="numeric" required maxlength="7"`)}
<div class="field"><label><input type="checkbox" name="include_payment_method_fee" value="true"> ${t.includeFee}</label></div>
${field('description', t.description, html` maxlength="2000"`)}
<button type="submit" class="button danger small">${t.requestRefund}</button></form>`;
}

/** The refund request form's fields as the API's body: empty optional fields left out, the checkbox a boolean. */
function refundRequestInput(body: Record<string, unknown>): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  for (const name of ['amount', 'customer_name', 'bank_name', 'bank_code', 'branch_name', 'branch_number', 'account_type', 'account_number', 'description']) {
    const value = body[name];
    if (typeof value === 'string' && value.trim() !== '') input[name] = value.trim();
  }
  input.include_payment_method_fee = body.include_payment_method_fee === 'true';
  return input;
}

/**
 * POST /dashboard/payments/:id/simulate-payment, …/simulate-failure (test mode) and
 * …/refund-request: the domain commands of the API's routes, each through runCommand as they
 * run there (one transaction holding the merchant, so a test-data reset waits for it and it for
 * the reset); then 303 back to the payment, or its page again (422) with the API's error message.
 */
export function registerPaymentTestActions(dash: FastifyInstance, services: Services, show: ShowRecord): void {
  const action = dashboardActions(dash, 'payments', show);
  const testMode = (request: FastifyRequest) => {
    const actor = request.dash.session!.actor;
    if (actor.merchant.mode !== 'test') throw new DashError('forbidden', 403);
    return actor;
  };
  action('simulate-payment', 'paid', async (request, id) => {
    const actor = testMode(request);
    logPayment(request.log, 'captured', await runCommand(services.db, actor, null, (trx) => completePayment(trx, actor, id)));
  });
  action('simulate-failure', 'failed', async (request, id) => {
    const actor = testMode(request);
    const code = typeof request.body?.code === 'string' ? request.body.code : undefined;
    logPayment(request.log, 'failed', await runCommand(services.db, actor, null, (trx) => failPayment(trx, actor, id, code)));
  });
  action('refund-request', 'refundRequested', async (request, id) => {
    const actor = request.dash.session!.actor;
    const input = check(RefundRequestBody, refundRequestInput(request.body ?? {}));
    await runCommand(services.db, actor, null, (trx) => requestRefund(trx, actor, id, input));
  });
}
