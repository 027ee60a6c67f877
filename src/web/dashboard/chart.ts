import type { Overview } from '../../domain/dashboard/views';
import { methodFor } from '../../methods';
import { html, type Html } from '../html';
import type { DashContext } from './layout';
import { money } from './components';

/** Bar colours, one per payment method in the chart (in order of their names); repeats past 8. */
const PALETTE = ['#1f5fd6', '#127a3e', '#d97706', '#9333ea', '#0e7490', '#be123c', '#4d7c0f', '#6b7280'];

const WIDTH = 720;
const HEIGHT = 240;
const LEFT = 64;
const BOTTOM = 24;
const TOP = 8;

/**
 * Captured volume per day, stacked by payment method, as inline SVG drawn on the server: no
 * script, no style attribute (the CSP allows neither) — colours are presentation attributes.
 * Each bar segment has a <title> (the browser shows it on hover) and the figure an aria-label; the
 * legend below names the methods.
 */
export function volumeChart(ctx: DashContext, data: Overview): Html {
  // Nothing captured: a sentence, not an empty plot whose axis reads ¥0 ¥0 ¥0.
  if (data.count === 0) return html`<p class="dash-start dash-empty" data-empty="chart">${ctx.t.start.noVolume(data.days.length)} <a href="/dashboard/payments">${ctx.t.nav.payments}</a></p>`;
  const days = data.days;
  const totals = days.map((day) => Object.values(day.byType).reduce((a, b) => a + b, 0));
  const max = niceMax(Math.max(0, ...totals));
  const plotHeight = HEIGHT - BOTTOM - TOP;
  const step = (WIDTH - LEFT) / days.length;
  const barWidth = Math.max(4, step * 0.7);
  const colour = (type: string) => PALETTE[data.types.indexOf(type) % PALETTE.length];
  const name = (type: string) => methodFor(type)?.names[ctx.locale] ?? type;
  const labelEvery = days.length > 16 ? 5 : 2;
  const bars = days.map((day, i) => {
    let y = TOP + plotHeight;
    const x = LEFT + i * step + (step - barWidth) / 2;
    const segments = data.types
      .filter((type) => day.byType[type])
      .map((type) => {
        const h = max === 0 ? 0 : (day.byType[type] / max) * plotHeight;
        y -= h;
        return html`<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${barWidth.toFixed(1)}" height="${Math.max(h, 0.5).toFixed(1)}" fill="${colour(type)}"><title>${day.day} · ${name(type)} · ${money(ctx, day.byType[type], data.currency)}</title></rect>`;
      });
    const label =
      i % labelEvery === 0 || i === days.length - 1
        ? html`<text x="${(LEFT + i * step + step / 2).toFixed(1)}" y="${HEIGHT - 6}" text-anchor="middle" class="axis">${day.day.slice(5)}</text>`
        : null;
    return html`<g data-day="${day.day}" data-volume="${totals[i]}">${segments}${label}</g>`;
  });
  const grid = [0, 0.5, 1].map((fraction) => {
    const y = TOP + plotHeight - fraction * plotHeight;
    return html`<line x1="${LEFT}" x2="${WIDTH}" y1="${y.toFixed(1)}" y2="${y.toFixed(1)}" stroke="#e2e5ec"/><text x="${LEFT - 6}" y="${(y + 4).toFixed(1)}" text-anchor="end" class="axis">${money(ctx, Math.round(max * fraction), data.currency)}</text>`;
  });
  return html`<figure class="dash-chart">
<svg viewBox="0 0 ${WIDTH} ${HEIGHT}" width="100%" role="img" aria-label="${ctx.t.home.chartLabel(days.length, data.currency)}" xmlns="http://www.w3.org/2000/svg">${grid}${bars}</svg>
<figcaption><ul class="dash-legend">${data.types.map(
    (type) => html`<li data-type="${type}"><svg width="12" height="12" aria-hidden="true"><rect width="12" height="12" fill="${colour(type)}"/></svg> ${name(type)}</li>`,
  )}</ul></figcaption>
</figure>`;
}

/** A round upper bound for the axis: 1, 2 or 5 times a power of ten (0 stays 0). */
function niceMax(value: number): number {
  if (value <= 0) return 0;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const factor of [1, 2, 5, 10]) if (value <= factor * power) return factor * power;
  return 10 * power;
}
