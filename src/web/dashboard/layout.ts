import type { DashboardSession } from '../../domain/dashboard/auth';
import { html, type Child, type Html } from '../html';
import { DASHBOARD_LOCALES, dashboardMessages, type DashboardLocale, type DashboardMessages } from '../i18n/dashboard';

/** What every dashboard page knows about the request it answers. */
export interface DashContext {
  locale: DashboardLocale;
  t: DashboardMessages;
  /** Null on the sign-in and error pages. */
  session: DashboardSession | null;
  /** The page's path (for the menu and the language links). */
  path: string;
  /** The query string without `locale`, `?…` or empty. */
  query: string;
}

export type Section = 'home' | 'payments' | 'sessions' | 'customers' | 'subscriptions' | 'chargebacks' | 'balances' | 'settlements' | 'disbursements' | 'tokens' | 'requests' | 'events' | 'webhooks' | 'clock' | 'mail' | 'testData' | 'settings' | 'login';

/** The hidden CSRF field every POST form of a signed-in page carries. */
export function csrfField(ctx: DashContext): Html {
  return ctx.session ? html`<input type="hidden" name="_csrf" value="${ctx.session.csrfToken}">` : html``;
}

const MENU: readonly { section: Section; href: string; label: (t: DashboardMessages) => string; group?: 'developers' }[] = [
  { section: 'home', href: '/dashboard', label: (t) => t.nav.home },
  { section: 'payments', href: '/dashboard/payments', label: (t) => t.nav.payments },
  { section: 'sessions', href: '/dashboard/sessions', label: (t) => t.nav.sessions },
  { section: 'customers', href: '/dashboard/customers', label: (t) => t.nav.customers },
  { section: 'subscriptions', href: '/dashboard/subscriptions', label: (t) => t.nav.subscriptions },
  { section: 'chargebacks', href: '/dashboard/chargebacks', label: (t) => t.nav.chargebacks },
  { section: 'balances', href: '/dashboard/balances', label: (t) => t.nav.balances },
  { section: 'settlements', href: '/dashboard/settlements', label: (t) => t.nav.settlements },
  { section: 'disbursements', href: '/dashboard/disbursements', label: (t) => t.nav.disbursements },
  { section: 'tokens', href: '/dashboard/tokens', label: (t) => t.nav.tokens },
  { section: 'requests', href: '/dashboard/developers/requests', label: (t) => t.nav.requests, group: 'developers' },
  { section: 'events', href: '/dashboard/developers/events', label: (t) => t.nav.events, group: 'developers' },
  { section: 'webhooks', href: '/dashboard/developers/webhooks', label: (t) => t.nav.webhooks, group: 'developers' },
  { section: 'clock', href: '/dashboard/developers/clock', label: (t) => t.nav.clock, group: 'developers' },
  { section: 'mail', href: '/dashboard/developers/mail', label: (t) => t.nav.mail, group: 'developers' },
  { section: 'testData', href: '/dashboard/developers/test-data', label: (t) => t.nav.testData, group: 'developers' },
  { section: 'settings', href: '/dashboard/settings', label: (t) => t.nav.settings },
];

/**
 * The document around every dashboard page: the customer pages' stylesheet plus the dashboard's,
 * no script (the CSP allows none), a menu, the merchant, the language switch (ja/en) and "Sign
 * out" (a POST form with the CSRF token). Signed in, the header shows who (by email; a one-time
 * link has none, so nothing is shown); signed out, the page is one card in the middle.
 */
export function dashLayout(ctx: DashContext, props: { title: string; section: Section; body: Child }): Html {
  const { t, session } = ctx;
  const menu = session
    ? html`<nav class="dash-nav" aria-label="${t.title}"><ul>${MENU.filter((item) => !item.group && item.section !== 'settings').map((item) => menuItem(ctx, item, props.section))}<li class="group"><span>${t.nav.developers}</span><ul>${MENU.filter(
        (item) => item.group,
      ).map((item) => menuItem(ctx, item, props.section))}</ul></li>${MENU.filter((item) => item.section === 'settings').map((item) => menuItem(ctx, item, props.section))}</ul></nav>`
    : null;
  return html`<!doctype html>
<html lang="${ctx.locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${props.title} · kessai</title>
<link rel="stylesheet" href="/assets/kessai.css">
<link rel="stylesheet" href="/assets/dashboard.css">
<link rel="icon" href="/assets/favicon.svg" type="image/svg+xml">
</head>
<body class="dash">
${session?.merchant.mode === 'test' ? html`<aside class="ribbon">${t.testMode}</aside>` : null}
<header class="dash-top">
<p class="dash-brand"><a href="/dashboard">kessai</a>${session ? html` <span class="dash-merchant" data-merchant="${session.merchant.id}">${session.merchant.name}</span>` : null}</p>
<div class="dash-user">
${languageLinks(ctx)}
${session
    ? html`${session.email ? html`<span class="dash-email" data-user-email>${session.email}</span>` : null}<form method="post" action="/dashboard/logout" class="inline">${csrfField(ctx)}<button type="submit" class="link-button" data-action="sign-out">${t.nav.signOut}</button></form>`
    : null}
</div>
</header>
<div class="${menu ? 'dash-body' : 'dash-body dash-alone'}">
${menu}
<main class="dash-main">
<h1>${props.title}</h1>
${props.body}
</main>
</div>
</body>
</html>
`;
}

function menuItem(ctx: DashContext, item: (typeof MENU)[number], current: Section): Html {
  const label = item.label(ctx.t);
  return item.section === current
    ? html`<li><a href="${item.href}" aria-current="page">${label}</a></li>`
    : html`<li><a href="${item.href}">${label}</a></li>`;
}

function languageLinks(ctx: DashContext): Html {
  const separator = ctx.query ? '&' : '?';
  return html`<nav class="dash-languages" aria-label="${ctx.t.nav.language}">${DASHBOARD_LOCALES.map((locale) =>
    locale === ctx.locale
      ? html`<span aria-current="true" lang="${locale}">${dashboardMessages(locale).languageName}</span>`
      : html`<a href="${ctx.path}${ctx.query}${separator}locale=${locale}" lang="${locale}" hreflang="${locale}">${dashboardMessages(locale).languageName}</a>`,
  )}</nav>`;
}
