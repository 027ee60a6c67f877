import { html, type Child, type Html } from './html';
import { messages, type PageLocale } from './i18n';

export interface LayoutProps {
  locale: PageLocale;
  title: string;
  /** Links to this page in the other languages (none: no switcher). */
  languages?: readonly { locale: PageLocale; href: string }[];
  /** Shows the test-mode ribbon. */
  testMode?: boolean;
  body: Child;
}

/**
 * The document around every customer page: one stylesheet and an icon from this server (the CSP
 * allows nothing else; the icon link also spares the browser a /favicon.ico request), no scripts,
 * a viewport for phones, and a language switcher.
 */
export function layout({ locale, title, languages = [], testMode = false, body }: LayoutProps): Html {
  const t = messages(locale);
  return html`<!doctype html>
<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<link rel="stylesheet" href="/assets/kessai.css">
<link rel="icon" href="/assets/favicon.svg" type="image/svg+xml">
</head>
<body>
${testMode ? html`<aside class="ribbon">${t.common.testMode}</aside>` : null}
<main class="page">
${body}
</main>
<footer class="footer">
${languages.length > 0 ? languageSwitcher(locale, languages) : null}
<p class="brand">kessai</p>
</footer>
</body>
</html>
`;
}

function languageSwitcher(current: PageLocale, languages: readonly { locale: PageLocale; href: string }[]): Html {
  return html`<nav class="languages" aria-label="${messages(current).common.languages}"><ul>${languages.map(({ locale, href }) =>
    locale === current
      ? html`<li><span aria-current="page" lang="${locale}">${messages(locale).languageName}</span></li>`
      : html`<li><a href="${href}" lang="${locale}" hreflang="${locale}">${messages(locale).languageName}</a></li>`,
  )}</ul></nav>`;
}
