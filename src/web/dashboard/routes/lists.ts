import type { FastifyInstance } from 'fastify';
import type { Services } from '../../../domain/context';
import { listCustomerSummaries, listSessions, listTokens } from '../../../domain/dashboard/views';
import { sessionState } from '../../../domain/sessions';
import { methodFor } from '../../../methods';
import { html } from '../../html';
import { sendPage } from '../../respond';
import { idLink, money, pager, shortId, table, time } from '../components';
import { firstPayment } from '../empty';
import { dashLayout } from '../layout';

const PUBLIC = { access: 'public' as const };
const PER_PAGE = 25;

export function pageNumber(raw: unknown): number {
  return typeof raw === 'string' && /^\d{1,6}$/.test(raw) && Number(raw) >= 1 ? Number(raw) : 1;
}

/**
 * GET /dashboard/sessions, /dashboard/customers, /dashboard/tokens — newest first, 25 a page.
 * Nothing secret is read, let alone shown: customers and tokens show the type, brand and last
 * four digits or contact fields the API shows, never a sealed number or CVV.
 */
export default function route(dash: FastifyInstance, services: Services): void {
  sessionsList(dash, services);
  customersList(dash, services);
  tokensList(dash, services);
}

function sessionsList(dash: FastifyInstance, services: Services): void {
  dash.get<{ Querystring: { page?: string } }>('/dashboard/sessions', { config: PUBLIC }, async (request, reply) => {
    const ctx = request.dash;
    const t = ctx.t.lists;
    const page = pageNumber(request.query.page);
    const { rows, total } = await listSessions(services.db, ctx.session!.actor, page, PER_PAGE);
    const body = html`${table(
      [
        { label: t.id, cell: (s) => idLink(`/dashboard/sessions/${s.id}`, s.id), className: 'id' },
        { label: t.mode, cell: (s) => s.mode },
        {
          label: t.status,
          cell: (s) => {
            const state = sessionState(s, ctx.session!.actor.clock.now());
            return html`<span class="status status-session-${state}" data-session-status="${state}">${t.sessionStates[state] ?? state}</span>`;
          },
        },
        { label: t.amount, cell: (s) => (s.amount === null ? '—' : money(ctx, Number(s.amount), s.currency)), className: 'num' },
        { label: t.payment, cell: (s) => (s.payment_id ? idLink(`/dashboard/payments/${s.payment_id}`, s.payment_id) : '') },
        { label: t.email, cell: (s) => s.email ?? '' },
        { label: t.expires, cell: (s) => time(ctx.locale, s.expires_at), className: 'time' },
        { label: t.created, cell: (s) => time(ctx.locale, s.created_at), className: 'time' },
      ],
      rows,
      page > 1 ? t.none : firstPayment(ctx, services.publicUrl, ctx.t.start.noSessions),
      (s) => s.id,
    )}${pager(ctx, page, PER_PAGE, total)}`;
    return sendPage(reply, dashLayout(ctx, { title: t.sessions, section: 'sessions', body }));
  });
}

function customersList(dash: FastifyInstance, services: Services): void {
  dash.get<{ Querystring: { page?: string } }>('/dashboard/customers', { config: PUBLIC }, async (request, reply) => {
    const ctx = request.dash;
    const t = ctx.t.lists;
    const page = pageNumber(request.query.page);
    const { rows, total } = await listCustomerSummaries(services.db, ctx.session!.actor, page, PER_PAGE);
    const body = html`${table(
      [
        { label: t.id, cell: (c) => idLink(`/dashboard/customers/${c.id}`, c.id), className: 'id' },
        { label: t.email, cell: (c) => c.email ?? '' },
        { label: t.card, cell: (c) => (c.source ? sourceText(c.source) : '—') },
        { label: t.created, cell: (c) => time(ctx.locale, c.created_at), className: 'time' },
      ],
      rows,
      t.none,
      (c) => c.id,
    )}${pager(ctx, page, PER_PAGE, total)}`;
    return sendPage(reply, dashLayout(ctx, { title: t.customers, section: 'customers', body }));
  });
}

function tokensList(dash: FastifyInstance, services: Services): void {
  dash.get<{ Querystring: { page?: string } }>('/dashboard/tokens', { config: PUBLIC }, async (request, reply) => {
    const ctx = request.dash;
    const t = ctx.t.lists;
    const page = pageNumber(request.query.page);
    const { rows, total } = await listTokens(services.db, ctx.session!.actor, page, PER_PAGE);
    const body = html`${table(
      [
        { label: t.id, cell: (k) => shortId(k.id), className: 'id' },
        { label: t.kind, cell: (k) => k.kind },
        { label: t.type, cell: (k) => methodFor(k.payment_type)?.names[ctx.locale] ?? k.payment_type },
        { label: t.amount, cell: (k) => (k.amount !== null && k.currency ? money(ctx, Number(k.amount), k.currency) : (k.currency ?? '')), className: 'num' },
        { label: t.verification, cell: (k) => k.verification_status ?? '' },
        { label: t.used, cell: (k) => (k.used_at ? time(ctx.locale, k.used_at) : t.unused) },
        { label: t.expires, cell: (k) => time(ctx.locale, k.expires_at), className: 'time' },
        { label: t.created, cell: (k) => time(ctx.locale, k.created_at), className: 'time' },
      ],
      rows,
      t.none,
      (k) => k.id,
    )}${pager(ctx, page, PER_PAGE, total)}`;
    return sendPage(reply, dashLayout(ctx, { title: t.tokens, section: 'tokens', body }));
  });
}

/** A stored card as the API shows it: `visa •••• 1111 (12/2030)`. */
function sourceText(source: Record<string, unknown>): string {
  const parts = [String(source.brand ?? source.type ?? '')];
  if (source.last_four_digits) parts.push(`•••• ${String(source.last_four_digits)}`);
  if (source.month && source.year) parts.push(`(${String(source.month).padStart(2, '0')}/${String(source.year)})`);
  return parts.join(' ');
}
