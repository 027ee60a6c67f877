import { html, type Html } from '../html';
import { messages, type Messages, type PageLocale } from '../i18n';
import { layout } from '../layout';

export type PageErrorKind = keyof Messages['errors'];

/**
 * What a customer page shows instead of KOMOJU's JSON envelope when something is wrong. `home`:
 * a link to the landing page, for a path no page serves (a developer's typo, not a customer's
 * payment link).
 */
export function errorPage(locale: PageLocale, kind: PageErrorKind, status: number, { home = false } = {}): Html {
  const { title, text } = messages(locale).errors[kind];
  return layout({
    locale,
    title,
    body: html`<header class="head"><p class="merchant">${status}</p><h1>${title}</h1></header><p class="notice">${text}</p>${
      home ? html`<p class="home"><a href="/" rel="home">kessai</a></p>` : null
    }`,
  });
}
