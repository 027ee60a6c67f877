import { formatMoney } from '../format';
import { html, type Child, type Html } from '../html';
import { lookup, messages } from '../i18n';
import { dashboardMessages, type DashboardLocale } from '../i18n/dashboard';
import type { DashContext } from './layout';

/** Pieces the dashboard's pages share; each returns escaped Html. */

export function money(ctx: DashContext, minorUnits: number, currency: string): string {
  return formatMoney(minorUnits, currency, ctx.locale);
}

/**
 * A time in Tokyo, to the second, with its zone: `2026-11-21 20:07:11 JST` (ja: `2026/11/21 …`).
 * Built from parts, so English shows the year first rather than en-US's month/day order.
 */
export function time(locale: DashboardLocale, date: Date | string | null | undefined): string {
  if (!date) return '—';
  const parts = Object.fromEntries(
    tokyoPartsFormat().formatToParts(new Date(date)).map((part) => [part.type, part.value]),
  ) as Record<Intl.DateTimeFormatPartTypes, string>;
  const separator = locale === 'ja' ? '/' : '-';
  const day = [parts.year, parts.month, parts.day].join(separator);
  return `${day} ${parts.hour}:${parts.minute}:${parts.second} ${dashboardMessages(locale).timeZone}`;
}

/**
 * Made on the first dashboard time: one DateTimeFormat with a time zone pages in about 8 MB of
 * ICU's data, which a start that serves no dashboard page should not hold.
 */
let tokyoParts: Intl.DateTimeFormat | undefined;
function tokyoPartsFormat(): Intl.DateTimeFormat {
  tokyoParts ??= new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Asia/Tokyo',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  });
  return tokyoParts;
}

/** A payment's status badge, in the merchant's words (Authorized, not the customer's "Awaiting payment"). */
export function statusBadge(ctx: DashContext, status: string): Html {
  return html`<span class="status status-${status}" data-status="${status}">${ctx.t.paymentStatuses[status] ?? lookup(messages(ctx.locale).status, status)}</span>`;
}

export function notice(text: string | null | undefined, kind: 'ok' | 'error' = 'ok'): Html | null {
  if (!text) return null;
  return html`<p class="dash-notice dash-notice-${kind}" role="${kind === 'error' ? 'alert' : 'status'}" data-notice="${kind}">${text}</p>`;
}

export interface Column<T> {
  label: string;
  cell: (row: T) => Child;
  className?: string;
}

/**
 * A table of rows, or `empty` when there are none. On a phone each row becomes a card of
 * label–value lines (the labels come from each cell's data-label), so nothing scrolls sideways
 * and no column is squeezed until an id in it wraps character by character.
 */
export function table<T>(columns: readonly Column<T>[], rows: readonly T[], empty: Child, rowAttribute?: (row: T) => string): Html {
  if (rows.length === 0) return typeof empty === 'string' ? html`<p class="dash-empty">${empty}</p>` : html`${empty}`;
  // Focusable, so a keyboard can scroll a wide table sideways even when no cell holds a link.
  return html`<div class="dash-table-wrap dash-table-cards" tabindex="0"><table class="dash-table"><thead><tr>${columns.map((c) => html`<th scope="col">${c.label}</th>`)}</tr></thead><tbody>${rows.map(
    (row) =>
      html`<tr${rowAttribute ? html` data-row="${rowAttribute(row)}"` : null}>${columns.map(
        (c) => html`<td${c.className ? html` class="${c.className}"` : null} data-label="${c.label}"><span class="dash-cell">${c.cell(row)}</span></td>`,
      )}</tr>`,
  )}</tbody></table></div>`;
}

/**
 * An id in a list: a link to its detail page, in monospace on one line, cut short with an ellipsis
 * when the column is narrow; the full id stays in the link's text and title.
 */
export function idLink(href: string, id: string): Html {
  return html`<a href="${href}" class="dash-id" title="${id}" data-id="${id}"><code>${id}</code></a>`;
}

/** An id in a list that has no detail page (sessions, customers, tokens): one line, cut the same way. */
export function shortId(id: string): Html {
  return html`<span class="dash-id" title="${id}" data-id="${id}"><code>${id}</code></span>`;
}

/** Previous / next links keeping the other query parameters. */
export function pager(ctx: DashContext, page: number, perPage: number, total: number, params: Record<string, string | undefined> = {}): Html | null {
  const last = Math.max(1, Math.ceil(total / perPage));
  if (last === 1 && page === 1) return null;
  const link = (target: number) => {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(params)) if (value) query.set(key, value);
    query.set('page', String(target));
    return `${ctx.path}?${query.toString()}`;
  };
  return html`<nav class="dash-pager" aria-label="${ctx.t.common.page(page, last)}">${
    page > 1 ? html`<a href="${link(page - 1)}" rel="prev">${ctx.t.common.previous}</a>` : html`<span></span>`
  }<span>${ctx.t.common.page(page, last)}</span>${page < last ? html`<a href="${link(page + 1)}" rel="next">${ctx.t.common.next}</a>` : html`<span></span>`}</nav>`;
}

/** Definition rows; empty values are left out. */
export function facts(rows: readonly { label: string; value: Child; name?: string }[]): Html {
  return html`<dl class="details dash-facts">${rows
    .filter((row) => row.value !== null && row.value !== undefined && row.value !== '')
    .map((row) => html`<div class="row"${row.name ? html` data-field="${row.name}"` : null}><dt>${row.label}</dt><dd>${row.value}</dd></div>`)}</dl>`;
}

/** Pretty-printed JSON in a <pre>, escaped. */
export function json(value: unknown): Html {
  return html`<pre class="dash-json">${JSON.stringify(value, null, 2)}</pre>`;
}

export function code(text: string | null | undefined): Html | null {
  return text ? html`<code>${text}</code>` : null;
}
