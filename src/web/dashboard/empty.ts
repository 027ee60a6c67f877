import { html, type Html } from '../html';
import type { DashContext } from './layout';

/**
 * What an empty payment or session list shows: how to make the first payment, as a curl to copy
 * (the page has no script, so it is a pre the browser selects whole). The secret key is a
 * placeholder: the dashboard keeps only digests of secret keys and shows one only when it is made.
 */
export function firstPayment(ctx: DashContext, publicUrl: string, none: string): Html {
  const t = ctx.t.start;
  const mode = ctx.session?.merchant.mode === 'live' ? 'live' : 'test';
  const base = publicUrl.replace(/\/+$/, '');
  const curl = `curl -u sk_${mode}_…: ${base}/api/v1/sessions \\
  -d amount=1000 -d currency=JPY \\
  -d return_url=${base}/`;
  return html`<div class="dash-start" data-empty="first-payment">
<p><strong>${none}</strong> ${t.firstPayment}</p>
<pre class="dash-curl" data-curl>${curl}</pre>
<p class="dash-muted">${t.keyHint} <a href="/dashboard/settings">${t.settings}</a>).</p>
</div>`;
}
