import type { FastifyInstance } from 'fastify';
import type { Services } from '../../../domain/context';
import { overview } from '../../../domain/dashboard/views';
import { html } from '../../html';
import { sendPage } from '../../respond';
import { volumeChart } from '../chart';
import { money, statusBadge } from '../components';
import { dashLayout } from '../layout';

/** GET /dashboard — captured volume per day and method (`?days=14`, the default, or 30) and key counts. */
export default function route(dash: FastifyInstance, services: Services): void {
  dash.get<{ Querystring: { days?: string } }>('/dashboard', { config: { access: 'public' } }, async (request, reply) => {
    const ctx = request.dash;
    const t = ctx.t;
    const days = request.query.days === '30' ? 30 : 14;
    const data = await overview(services.db, ctx.session!.actor, days);
    const statuses = Object.entries(data.byStatus).sort((a, b) => b[1] - a[1]);
    const body = html`<section class="dash-cards">
<div class="dash-card" data-count="volume"><span class="label">${t.home.volume(days)}</span><strong>${money(ctx, data.volume, data.currency)}</strong></div>
<div class="dash-card" data-count="payments"><span class="label">${t.home.payments}</span><strong>${Object.values(data.byStatus).reduce((a, b) => a + b, 0)}</strong></div>
<div class="dash-card" data-count="customers"><span class="label">${t.home.customers}</span><strong>${data.customers}</strong></div>
<div class="dash-card" data-count="sessions"><span class="label">${t.home.sessions}</span><strong>${data.sessions}</strong></div>
<div class="dash-card" data-count="webhooks"><span class="label">${t.home.webhookEndpoints}</span><strong>${data.webhookEndpoints}</strong></div>
<div class="dash-card" data-count="failed-deliveries"><span class="label">${t.home.failedDeliveries}</span><strong>${data.failedDeliveries}</strong></div>
</section>
<section><h2>${t.home.volume(days)}</h2>
<p class="dash-tabs">${[14, 30].map((n) => (n === days ? html`<span aria-current="true">${t.home.days(n)}</span>` : html`<a href="/dashboard?days=${n}">${t.home.days(n)}</a>`))}</p>
${volumeChart(ctx, data)}
</section>
<section><h2>${t.home.byStatus}</h2>
<ul class="dash-statuses">${statuses.map(([status, n]) => html`<li><a href="/dashboard/payments?status=${status}">${statusBadge(ctx, status)}</a> ${n}</li>`)}</ul>
</section>`;
    return sendPage(reply, dashLayout(ctx, { title: t.home.title, section: 'home', body }));
  });
}
