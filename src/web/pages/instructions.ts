import { isAwaitingPayment, isPaid } from '../../domain/payment-state';
import { methodFor } from '../../methods';
import { amountBlock, detailList, merchantMark, postForm, statusBadge } from '../components';
import { formatDeadline } from '../format';
import { html, type Html } from '../html';
import { lookup, messages, type Messages, type PageLocale } from '../i18n';
import { layout } from '../layout';
import type { PageLogo, PagePayment } from './types';

export interface InstructionsPageProps {
  locale: PageLocale;
  payment: PagePayment;
  merchantName: string;
  /** The merchant's logo, above its name; null: none. */
  merchantLogo?: PageLogo | null;
  /** The method's name in `locale` (konbini → コンビニ). */
  methodName: string;
  testMode: boolean;
  /** Where "Simulate payment" posts (test mode, awaiting payment). */
  simulateAction: string;
  languages: readonly { locale: PageLocale; href: string }[];
  /** "Return to the shop": the payment's return_url (a session's, with session_id), when safe. */
  returnHref?: string | null;
  /** The payment's barcode (konbini at a store that scans one) while it awaits payment: its PNG's path, digits and end. */
  barcode?: { src: string; number: string; expiresAt: Date } | null;
}

/**
 * The codes a customer needs, in the order they are asked for: konbini (store, receipt,
 * confirmation code), bank transfer (bank … account holder, then the remitter name), PayEasy
 * (agency, customer and confirmation numbers). The page reads them by name from
 * payment_details, so a method only has to put them there; other keys that are plain text show
 * after these under their own name.
 */
const CODE_FIELDS = [
  'store',
  'receipt',
  'confirmation_code',
  'bank_name',
  'account_branch_name',
  'account_type',
  'account_number',
  'account_name',
  'order_id',
  'bank_id',
  'customer_id',
  'confirmation_id',
] as const;

/** payment_details keys that are not for the customer to type or read out. */
const NOT_CODES = new Set(['type', 'email', 'instructions_url', 'redirect_url', 'barcode_url', 'phone', 'name']);

/** Values printed as names rather than codes to copy (no monospace). */
const PROSE_FIELDS = new Set(['store', 'bank_name', 'account_branch_name', 'account_type', 'account_name']);

/** The codes of `details` as labelled rows (the instructions mail lists the same, web/mail). */
export function codeRows(details: Record<string, unknown>, t: Messages) {
  const known = new Set<string>(CODE_FIELDS);
  const extra = Object.keys(details).filter((key) => !known.has(key) && !NOT_CODES.has(key));
  return [...CODE_FIELDS, ...extra]
    .filter((key) => typeof details[key] === 'string' || typeof details[key] === 'number')
    .map((key) => {
      const raw = String(details[key]);
      return {
        name: key,
        label: lookup(t.fields, key),
        value: key === 'store' ? lookup(t.stores, raw) : raw,
        code: !PROSE_FIELDS.has(key),
        hint: key === 'order_id' ? t.instructions.orderIdHint : undefined,
      };
    });
}

/** GET /:locale/instructions/:paymentId — how to pay a konbini, bank transfer, PayEasy or cvs payment. */
export function instructionsPage(props: InstructionsPageProps): Html {
  const { locale, payment, merchantName, methodName } = props;
  const t = messages(locale);
  const awaiting = isAwaitingPayment(payment.status);
  const paid = isPaid(payment.status);
  const showCodes = awaiting || paid;
  const notice = awaiting ? t.instructions.pleasePay : paid ? t.instructions.paid : t.instructions.closed;
  const steps = stepsOf(payment.payment_type, locale);

  const body = html`<header class="head">
${merchantMark(merchantName, props.merchantLogo)}
<h1>${t.instructions.heading(methodName)}</h1>
${statusBadge(payment.status, locale)}
</header>
${amountBlock(payment, locale)}
<p class="notice notice-${payment.status}" role="status">${notice}</p>
<section class="codes">${detailList([
  { label: t.common.deadline, value: awaiting && payment.payment_deadline ? `${formatDeadline(payment.payment_deadline, locale)} (${t.common.tokyoTime})` : null, name: 'deadline' },
  { label: t.common.description, value: payment.description },
  ...(showCodes ? codeRows(payment.payment_details, t) : []),
])}</section>
${awaiting && props.barcode ? barcodeSection(props.barcode, locale) : null}
${awaiting && steps.length > 0 ? html`<section class="steps"><h2>${t.instructions.howTo}</h2><ol>${steps.map((step) => html`<li>${step}</li>`)}</ol></section>` : null}
${awaiting && props.testMode
    ? html`<section class="simulate"><h2>${t.instructions.simulateTitle}</h2><p>${t.instructions.simulateHint}</p>${postForm(props.simulateAction, [
        { label: t.instructions.simulate, kind: 'primary' },
      ])}</section>`
    : null}
${props.returnHref ? html`<p><a class="button secondary" href="${props.returnHref}" data-action="return">${t.result.back}</a></p>` : null}
<p class="payment-id">${t.common.paymentId}: <span class="code">${payment.id}</span></p>`;

  return layout({ locale, title: `${t.instructions.title} · ${merchantName}`, languages: props.languages, testMode: props.testMode, body });
}

/** The barcode the till scans (750×150, as the API's), its digits under it, and until when it is good. */
function barcodeSection(barcode: NonNullable<InstructionsPageProps['barcode']>, locale: PageLocale): Html {
  const t = messages(locale);
  return html`<section class="barcode" data-barcode><h2>${t.instructions.barcodeTitle}</h2>
<img src="${barcode.src}" width="750" height="150" alt="${t.instructions.barcodeAlt}">
<p class="code" data-barcode-number>${barcode.number}</p>
<p class="hint">${t.instructions.barcodeHint(formatDeadline(barcode.expiresAt, locale))}</p></section>`;
}

/** The steps the method declares for paying it, in `locale`. */
export function stepsOf(type: string, locale: PageLocale): readonly string[] {
  return methodFor(type)?.howToPay?.[locale] ?? [];
}
