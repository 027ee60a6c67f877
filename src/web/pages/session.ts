import type { CheckoutField, PaymentMethod } from '../../methods/method';
import { cardBrandPrefix } from '../../methods/credit_card';
import { html, type Html } from '../html';
import { formatMoney } from '../format';
import { lookup, messages, type PageLocale } from '../i18n';
import { BRAND_NAMES, sessionMessages } from '../i18n/session';
import { layout } from '../layout';
import { merchantMark } from '../components';
import type { PageLogo } from './types';

/** A method's price when it differs from the session's (converted, spec §6.3). */
export interface ConvertedOffer {
  amount: number;
  currency: string;
  exchange_rate: number;
}

export interface SessionPageProps {
  locale: PageLocale;
  sessionId: string;
  merchantName: string;
  /** The merchant's logo, above its name; null: none. */
  merchantLogo?: PageLogo | null;
  /** `customer`: the page saves details without paying. */
  mode: 'payment' | 'customer' | 'customer_payment';
  amount: number | null;
  currency: string;
  state: 'open' | 'completed' | 'cancelled' | 'expired';
  methods: readonly PaymentMethod[];
  /** Methods offered in another currency than the session's, by type. */
  converted: Record<string, ConvertedOffer>;
  testMode: boolean;
  /** After a failed attempt: the method tried, the field at fault (if any), the message and what was typed. */
  error?: { type: string; field: string | null; message: string; values: Record<string, string> };
  /** Store → logo URL, for the konbini picker. */
  konbiniLogos: Record<string, string>;
  /** Card brand → logo URL, the brands the session's card entry lists, shown above the card form. */
  cardLogos: Record<string, string>;
  languages: readonly { locale: PageLocale; href: string }[];
  /** One-click: the session has an external_customer_id, so the card form offers "save this card". */
  canSaveCard: boolean;
  /** One-click: the card saved for the session's external_customer_id. */
  savedCard: { brand: string | null; last_four_digits: string | null; month: number | null; year: number | null; expired: boolean } | null;
  /** A line shown above the methods (e.g. the saved card was removed). */
  notice?: string;
  /** The session's line_items, shown as a simple order summary above the total. */
  lineItems: readonly { description?: string; quantity?: number; amount?: number }[];
  /** Where an ended page links back to: the session's return_url with session_id, if it has one. */
  returnUrl: string | null;
  /** The session's `email`: every method's email field starts with it. */
  customerEmail: string | null;
}

/**
 * GET /sessions/:id — the Hosted Page: merchant, amount and one plain form per method the
 * session offers, built from the method's `checkoutFields` (card: name, number, expiry, CVV;
 * konbini: store picker with logos; offsite: a button to the provider). The forms post to
 * /sessions/:id/pay and a failure comes back with the server's message next to the field, so the
 * page works without JavaScript; /assets/session.js (same origin, as the CSP requires) adds card
 * number formatting and checks (Luhn, expiry, CVV, katakana) before a form is sent.
 */
export function sessionPage(props: SessionPageProps): Html {
  const { locale } = props;
  const t = sessionMessages(locale);
  const common = messages(locale).common;
  const title = props.mode === 'customer' ? t.customerTitle : t.title;
  const total = props.amount === null ? null : formatMoney(props.amount, props.currency, locale);
  const body = html`<header class="head">
${merchantMark(props.merchantName, props.merchantLogo)}
<h1>${title}</h1>
</header>
${orderSummary(props)}
${total !== null ? html`<section class="amount" aria-label="${common.total}"><p class="total"><span class="label">${common.total}</span> <strong data-total>${total}</strong></p></section>` : null}
${props.notice ? html`<p class="notice" role="status" data-notice>${props.notice}</p>` : null}
${props.state === 'open'
    ? html`${methodPicker(props)}
<form method="post" action="/sessions/${props.sessionId}/cancel" class="actions"><input type="hidden" name="locale" value="${locale}"><button type="submit" class="button secondary" data-action="return">${t.returnToMerchant}</button></form>`
    : html`<p class="notice" role="status" data-state="${props.state}">${t[props.state]}</p>${
        props.returnUrl ? html`<p class="actions"><a class="button secondary" href="${props.returnUrl}" data-action="back-to-shop">${t.returnToMerchant}</a></p>` : null
      }`}
<p class="payment-id">${t.sessionId}: <span class="code">${props.sessionId}</span></p>
${props.state === 'open' ? html`<script src="/assets/session.js" defer></script>` : null}`;
  return layout({ locale, title: `${title} · ${props.merchantName}`, languages: props.languages, testMode: props.testMode, body });
}

/** The order's lines: description × quantity and the line's amount (unit amount × quantity), when given. */
function orderSummary(props: SessionPageProps): Html | null {
  if (props.lineItems.length === 0) return null;
  const t = sessionMessages(props.locale);
  const rows = props.lineItems.map((item) => {
    const quantity = item.quantity ?? 1;
    const amount = item.amount === undefined ? '' : formatMoney(item.amount * quantity, props.currency, props.locale);
    return html`<li data-line-item><span class="item">${item.description ?? ''}${quantity > 1 ? ` × ${quantity}` : ''}</span> <span class="price">${amount}</span></li>`;
  });
  return html`<section class="order" aria-label="${t.orderSummary}"><h2>${t.orderSummary}</h2><ul>${rows}</ul></section>`;
}

/**
 * The methods as a radio list, each radio followed by its method's form, which CSS shows only
 * while its radio is checked (kessai.css, `.option:has(…:checked)`): one form open at a time,
 * with no script, so the page works without JavaScript; without CSS every form shows. A session
 * with one method, a saved card (one-click) or a failed attempt opens that method's form from the
 * start.
 */
function methodPicker(props: SessionPageProps): Html {
  const t = sessionMessages(props.locale);
  const savedCardMethod = props.savedCard ? props.methods.find((method) => method.flow === 'card')?.type : undefined;
  const open = props.error?.type ?? (props.methods.length === 1 ? props.methods[0].type : savedCardMethod) ?? null;
  return html`<fieldset class="methods" data-picker><legend><h2>${props.mode === 'customer' ? t.saveWith : t.payWith}</h2></legend>
${props.methods.map(
    (method) => html`<div class="option" data-option="${method.type}"><label class="pick"><input type="radio" name="pick" value="${method.type}" data-pick="${method.type}"${
      method.type === open ? ' checked' : ''
    }><img src="/payment_methods/${method.type}.svg" alt="" width="40" height="26"> <span>${method.names[props.locale]}</span></label>
${methodForm(props, method)}</div>`,
  )}</fieldset>`;
}

/** The submit button's words: "Pay ¥5,980" (in the currency the method charges), or "Save". */
function submitLabel(props: SessionPageProps, method: PaymentMethod): string {
  const t = sessionMessages(props.locale);
  if (props.mode === 'customer') return t.save;
  const converted = props.converted[method.type];
  if (converted) return t.payAmount(formatMoney(converted.amount, converted.currency, props.locale));
  return props.amount === null ? t.pay : t.payAmount(formatMoney(props.amount, props.currency, props.locale));
}

function methodForm(props: SessionPageProps, method: PaymentMethod): Html {
  const { locale } = props;
  const t = sessionMessages(locale);
  const error = props.error?.type === method.type ? props.error : undefined;
  const name = method.names[locale];
  const id = (field: string) => `${method.type}-${field}`;
  const converted = props.converted[method.type];
  const isCard = method.flow === 'card';
  const submit = submitLabel(props, method);
  return html`<section class="method" data-method="${method.type}" aria-label="${name}">
${converted
    ? html`<p class="hint" data-converted="${method.type}">${t.converted(
        formatMoney(converted.amount, converted.currency, locale),
        `1 ${props.currency} = ${converted.exchange_rate} ${converted.currency}`,
      )}</p>`
    : null}
${isCard ? cardBrands(props) : null}
${error && error.field === null ? html`<p class="error" role="alert" data-error="${method.type}">${t.errorTitle}: ${error.message}</p>` : null}
${isCard && props.savedCard ? savedCardForm(props, method) : null}
<form method="post" action="/sessions/${props.sessionId}/pay" novalidate data-form="${method.type}" data-messages="${fieldMessages(props, method)}">
<input type="hidden" name="type" value="${method.type}">
<input type="hidden" name="locale" value="${locale}">
${isCard && props.savedCard ? html`<p class="hint">${t.otherCard}</p>` : null}
${method.flow === 'offsite' ? html`<p class="hint">${t.offsiteNote(name)}</p>` : null}
${isCard && props.mode !== 'payment' ? html`<p class="hint" data-saves-card>${t.savedWithShop}</p>` : null}
${method.checkoutFields.map((field) => fieldInput(props, method, field, error))}
${isCard && props.canSaveCard && props.mode !== 'customer'
    ? html`<div class="field check"><label><input type="checkbox" name="save_card" value="1" data-save-card${error?.values.save_card ? ' checked' : ''}> ${t.saveCard}</label></div>`
    : null}
<button type="submit" class="button primary">${submit}</button>
</form>
</section>`;
}

/**
 * The logos of the accepted card brands, each named for screen readers; each carries its number
 * prefix, so the script can mark the brand of the number being typed (`data-match`).
 */
function cardBrands(props: SessionPageProps): Html | null {
  const logos = Object.entries(props.cardLogos);
  if (logos.length === 0) return null;
  return html`<p class="card-brands" data-card-brands>${logos.map(
    ([brand, src]) => html`<img src="${src}" alt="${BRAND_NAMES[brand] ?? brand}" width="48" height="30" loading="lazy" data-brand="${brand}" data-prefix="${cardBrandPrefix(brand) ?? ''}">`,
  )}</p>`;
}

/** The localized messages of this method's fields, for /assets/session.js (JSON in an attribute). */
function fieldMessages(props: SessionPageProps, method: PaymentMethod): string {
  const all = sessionMessages(props.locale).errors.fields;
  return JSON.stringify(Object.fromEntries(method.checkoutFields.filter((f) => Object.hasOwn(all, f.name)).map((f) => [f.name, all[f.name]])));
}

/**
 * One-click: the saved card (brand, last four, expiry), paid with one button, and its removal. A
 * card past its expiry is shown as expired with only the removal: paying with it would be refused.
 */
function savedCardForm(props: SessionPageProps, method: PaymentMethod): Html {
  const t = sessionMessages(props.locale);
  const card = props.savedCard!;
  const brand = card.brand ? (BRAND_NAMES[card.brand] ?? card.brand) : '';
  const [mm, yy] = card.month && card.year ? [String(card.month).padStart(2, '0'), String(card.year % 100).padStart(2, '0')] : [null, null];
  const expiry = mm && yy ? (card.expired ? t.expiredOn(mm, yy) : t.expires(mm, yy)) : '';
  return html`<div class="saved-card" data-saved-card${card.expired ? ' data-saved-expired' : ''}>
<p class="label">${t.savedCard}</p>
<p class="card"><strong data-saved-brand="${card.brand ?? ''}">${t.cardEnding(brand, card.last_four_digits ?? '')}</strong> <span class="hint">${expiry}</span></p>
${card.expired
    ? null
    : html`<form method="post" action="/sessions/${props.sessionId}/pay" class="actions">
<input type="hidden" name="type" value="${method.type}">
<input type="hidden" name="saved_card" value="1">
<input type="hidden" name="locale" value="${props.locale}">
<button type="submit" class="button primary" data-action="pay-saved">${props.mode === 'customer' ? t.saveWithSaved : t.payWithSaved}</button>
</form>`}
<form method="post" action="/sessions/${props.sessionId}/saved_card/remove" class="actions">
<input type="hidden" name="locale" value="${props.locale}">
<button type="submit" class="button danger" data-action="remove-saved">${t.removeSaved}</button>
</form>
</div>`;
}

/** The field's label in `locale`, as the method declares it. */
export function fieldLabel(locale: PageLocale, field: CheckoutField): string {
  return field.label[locale];
}

/** Free-text fields that only name the customer or pick a provider: safe to show again. */
const PLAIN_FIELDS: ReadonlySet<string> = new Set(['name', 'family_name', 'given_name', 'family_name_kana', 'given_name_kana', 'provider']);

/**
 * Whether what the customer typed in `field` may be put back into the form after a refused
 * attempt: their name, email, phone or a choice from a list. Anything else may be a secret (card
 * number, CVV, prepaid number, voucher PIN, password, birthday) and is never echoed into a page.
 */
export function echoable(field: CheckoutField): boolean {
  return field.kind === 'email' || field.kind === 'tel' || field.kind === 'select' || (field.kind === 'text' && PLAIN_FIELDS.has(field.name));
}

/** What a refused form post may show again: the echoable fields' values and the "save card" tick. */
export function keptValues(method: PaymentMethod, body: Record<string, string>): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const field of method.checkoutFields) if (echoable(field) && typeof body[field.name] === 'string') kept[field.name] = body[field.name];
  if (body.save_card !== undefined) kept.save_card = body.save_card;
  return kept;
}

function fieldInput(props: SessionPageProps, method: PaymentMethod, field: CheckoutField, error: SessionPageProps['error']): Html {
  const label = fieldLabel(props.locale, field);
  const id = `${method.type}-${field.name}`;
  const fieldError = error && error.field === field.name ? error.message : null;
  const value = error?.values[field.name] ?? (field.kind === 'email' ? props.customerEmail : null) ?? '';
  const errorId = `${id}-error`;
  const described = fieldError ? html` aria-invalid="true" aria-describedby="${errorId}"` : null;
  const message = fieldError ? html`<small class="error" id="${errorId}" role="alert" data-error="${field.name}">${fieldError}</small>` : null;
  if (field.kind === 'select' && method.storePicker) {
    const stores = messages(props.locale).stores;
    return html`<fieldset class="stores"><legend>${label}</legend>${(field.options ?? []).map(
      (option) =>
        html`<label class="store"><input type="radio" name="${field.name}" value="${option}"${option === value ? ' checked' : ''}${field.required ? ' required' : ''}>${
          props.konbiniLogos[option] ? html`<img src="${props.konbiniLogos[option]}" alt="" width="32" height="32" loading="lazy">` : null
        } <span data-store-name="${option}">${lookup(stores, option)}</span></label>`,
    )}${message}</fieldset>`;
  }
  if (field.kind === 'select') {
    return html`<label for="${id}">${label}</label><select id="${id}" name="${field.name}"${described}>${(field.options ?? []).map(
      (option) => html`<option value="${option}"${option === value ? ' selected' : ''}>${option}</option>`,
    )}</select>${message}`;
  }
  const type = field.kind === 'email' ? 'email' : field.kind === 'tel' ? 'tel' : field.kind === 'password' ? 'password' : 'text';
  const inputmode = field.kind === 'card_number' || field.kind === 'card_cvc' ? html` inputmode="numeric"` : null;
  const kept = echoable(field) ? value : '';
  const placeholder = field.kind === 'card_expiry' ? html` placeholder="MM/YY"` : null;
  const check = field.kind.startsWith('card_') ? field.kind : field.name.endsWith('_kana') ? 'kana' : null;
  return html`<div class="field"><label for="${id}">${label}</label><input id="${id}" name="${field.name}" type="${type}"${inputmode}${placeholder}${
    field.autocomplete ? html` autocomplete="${field.autocomplete}"` : null
  }${field.required ? ' required' : ''}${check ? html` data-check="${check}"` : null} value="${kept}"${described}>${message}</div>`;
}
