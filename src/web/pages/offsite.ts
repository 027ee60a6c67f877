import { isAwaitingPayment } from '../../domain/payment-state';
import { amountBlock, detailList, postForm, statusBadge } from '../components';
import { html, type Html } from '../html';
import { messages, type PageLocale } from '../i18n';
import { layout } from '../layout';
import type { PagePayment } from './types';

export interface OffsitePageProps {
  locale: PageLocale;
  payment: PagePayment;
  merchantName: string;
  /** The method's name in `locale` (e.g. LINE Pay, PayPay, d払い …), plus a carrier when the payment names one. */
  providerName: string;
  testMode: boolean;
  /** Where the buttons post. */
  formAction: string;
  /** The result page, linked when the payment is no longer waiting. */
  resultHref: string;
  languages: readonly { locale: PageLocale; href: string }[];
}

/**
 * GET /offsite/new?uuid=… — kessai's stand-in for an offsite provider's page (LINE Pay, PayPay,
 * carrier billing …): the customer approves, declines or cancels. Plain form posts, no script.
 */
export function offsitePage(props: OffsitePageProps): Html {
  const { locale, payment, merchantName, providerName } = props;
  const t = messages(locale);
  const awaiting = isAwaitingPayment(payment.status);
  const body = html`<header class="head">
<p class="merchant">${t.offsite.title}</p>
<h1>${t.offsite.heading(providerName)}</h1>
${statusBadge(payment.status, locale)}
</header>
${amountBlock(payment, locale)}
${detailList([
  { label: t.common.merchant, value: merchantName, name: 'merchant' },
  { label: t.common.method, value: providerName, name: 'provider' },
  { label: t.common.description, value: payment.description },
])}
${awaiting
    ? html`<p class="notice">${t.offsite.intro(providerName)}</p>${postForm(
        props.formAction,
        [
          { label: t.offsite.approve, value: 'approve', kind: 'primary' },
          { label: t.offsite.decline, value: 'decline', kind: 'danger' },
          { label: t.offsite.cancel, value: 'cancel', kind: 'secondary' },
        ],
        { locale },
      )}`
    : html`<p class="notice" role="status">${t.offsite.notActionable}</p><p><a class="button secondary" href="${props.resultHref}">${t.offsite.result}</a></p>`}
<p class="payment-id">${t.common.paymentId}: <span class="code">${payment.id}</span></p>`;
  return layout({ locale, title: `${t.offsite.title} · ${providerName}`, languages: props.languages, testMode: props.testMode, body });
}
