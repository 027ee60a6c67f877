import type { FastifyInstance } from 'fastify';
import { MAX_DOCUMENT_BASE64 } from '../../../domain/chargeback-documents';
import { acceptChargeback, DefendBody, defendChargeback } from '../../../domain/chargebacks';
import { runCommand } from '../../../domain/commands';
import type { Services } from '../../../domain/context';
import type { Chargeback } from '../../../domain/dashboard/balances';
import { check } from '../../../domain/validate';
import { ApiError } from '../../../kernel/errors';
import { html, type Html } from '../../html';
import { dashboardActions, type ShowRecord } from '../actions';
import { time } from '../components';
import { csrfField, type DashContext } from '../layout';
import { UploadedFile } from '../multipart';

type Form = Record<string, string | UploadedFile | undefined>;

/** Accept and Defend, while the API would take them: a pending chargeback before its due date (merchant's clock). */
export function chargebackActions(ctx: DashContext, chargeback: Chargeback): Html | null {
  const now = ctx.session!.actor.clock.now();
  if (chargeback.status !== 'pending' || chargeback.due_date.getTime() <= now.getTime()) return null;
  const t = ctx.t.chargebacks;
  const path = `/dashboard/chargebacks/${chargeback.id}`;
  const field = (name: string, label: string, attributes: Html | null = null) =>
    html`<div class="field"><label for="cb-${name}">${label}</label><input id="cb-${name}" name="${name}"${attributes}></div>`;
  return html`<h2>${t.respond}</h2><p class="dash-muted">${t.respondHint(time(ctx.locale, chargeback.due_date))}</p>
<form method="post" action="${path}/accept" class="dash-form dash-action" data-form="accept">${csrfField(ctx)}<button type="submit" class="button danger small">${t.accept}</button></form>
<form method="post" action="${path}/defend" enctype="multipart/form-data" class="dash-form dash-action" data-form="defend">${csrfField(ctx)}
<div class="field"><label for="cb-description">${t.description}</label><textarea id="cb-description" name="description" required maxlength="10000" rows="4"></textarea></div>
<div class="field"><label for="cb-document">${t.document}</label><input id="cb-document" name="document" type="file" required accept="application/pdf,image/jpeg,image/png,image/gif"></div>
${field('product_name', t.productName, html` maxlength="255"`)}
${field('shipping_company', t.shippingCompany, html` maxlength="255"`)}
${field('shipping_date', t.shippingDate, html` type="date"`)}
${field('tracking_number', t.trackingNumber, html` maxlength="255"`)}
${field('shipping_address', t.shippingAddress, html` maxlength="1000"`)}
${field('recipient_name', t.recipientName, html` maxlength="255"`)}
${field('recipient_phone', t.recipientPhone, html` maxlength="50"`)}
${field('recipient_email', t.recipientEmail, html` type="email" maxlength="254"`)}
<button type="submit" class="button primary small">${t.defend}</button></form>`;
}

/** The defense form as the API's DefendChargebackRequestBody: empty fields left out, the file as base64. */
function defendInput(form: Form, noDocument: string): unknown {
  const text = (name: string) => {
    const value = form[name];
    return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
  };
  const file = form.document;
  if (!(file instanceof UploadedFile) || file.bytes.length === 0) throw new ApiError('invalid_parameter', { param: 'document.document_base64', message: noDocument });
  const shipping = { company_name: text('shipping_company'), shipping_date: text('shipping_date'), tracking_number: text('tracking_number'), shipping_address: text('shipping_address') };
  const recipient = { name: text('recipient_name'), phone: text('recipient_phone'), email: text('recipient_email') };
  const given = (group: Record<string, string | undefined>) => (Object.values(group).some(Boolean) ? JSON.parse(JSON.stringify(group)) : undefined);
  return JSON.parse(
    JSON.stringify({
      description: text('description') ?? '',
      product_name: text('product_name'),
      document: { document_base64: file.bytes.toString('base64'), filename: file.filename || undefined, content_type: file.contentType || undefined },
      shipping_info: given(shipping),
      recipient_info: given(recipient),
    }),
  );
}

/**
 * POST /dashboard/chargebacks/:id/accept and …/defend: the API's domain commands
 * (acceptChargeback, defendChargeback) as the signed-in merchant, through runCommand without an
 * idempotency key, as the hosted page's forms (one transaction holding the merchant, so a
 * test-data reset waits for it and it for the reset). Answered as dashboardActions answers:
 * another merchant's chargeback is 404, a refused one the page again (422) with the API's
 * message; done, 303 back to the chargeback.
 */
export function registerChargebackActions(dash: FastifyInstance, services: Services, show: ShowRecord): void {
  const action = dashboardActions(dash, 'chargebacks', show);
  action('accept', 'accepted', async (request, id) => {
    const actor = request.dash.session!.actor;
    await runCommand(services.db, actor, null, (trx) => acceptChargeback(trx, services, actor, id));
    request.log.info({ chargeback: id }, 'chargeback accepted from the dashboard');
  });
  action<Form>(
    'defend',
    'defended',
    async (request, id) => {
      const actor = request.dash.session!.actor;
      const input = check(DefendBody, defendInput(request.body ?? {}, request.dash.t.chargebacks.noDocument));
      await runCommand(services.db, actor, null, (trx) => defendChargeback(trx, services, actor, id, input));
      request.log.info({ chargeback: id }, 'chargeback defended from the dashboard');
    },
    // The document's bytes, with room for the form's other fields and the multipart framing.
    { bodyLimit: Math.ceil((MAX_DOCUMENT_BASE64 * 3) / 4) + 128 * 1024 },
  );
}
