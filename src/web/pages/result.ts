import { amountBlock, detailList, merchantMark, statusBadge } from '../components';
import { html, type Html } from '../html';
import { lookup, messages, type PageLocale } from '../i18n';
import { layout } from '../layout';
import type { PageLogo, PagePayment } from './types';

export interface ResultPageProps {
  locale: PageLocale;
  payment: PagePayment;
  merchantName: string;
  /** The merchant's logo, above its name; null: none. */
  merchantLogo?: PageLogo | null;
  providerName: string;
  testMode: boolean;
  /** The merchant's return_url with the payment id, when it has a safe (http/https) one. */
  returnHref: string | null;
  languages: readonly { locale: PageLocale; href: string }[];
}

/**
 * GET /offsite/:paymentId — where the offsite simulator lands when the payment has no
 * return_url, and what it shows for a payment no longer waiting for the customer.
 */
export function resultPage(props: ResultPageProps): Html {
  const { locale, payment } = props;
  const t = messages(locale);
  const body = html`<header class="head">
${merchantMark(props.merchantName, props.merchantLogo)}
<h1>${lookup(t.result.headings, payment.status)}</h1>
${statusBadge(payment.status, locale)}
</header>
${amountBlock(payment, locale)}
${detailList([
  { label: t.common.merchant, value: props.merchantName, name: 'merchant' },
  { label: t.common.method, value: props.providerName, name: 'provider' },
])}
${props.returnHref ? html`<p><a class="button primary" href="${props.returnHref}">${t.result.back}</a></p>` : html`<p class="notice">${t.result.noReturn}</p>`}
<p class="payment-id">${t.common.paymentId}: <span class="code">${payment.id}</span></p>`;
  return layout({ locale, title: `${t.result.title} · ${props.merchantName}`, languages: props.languages, testMode: props.testMode, body });
}
