import { detailList } from '../components';
import { html, type Html } from '../html';
import { layout } from '../layout';

export interface LandingProps {
  /** The public URL the API answers at (the base of the curl line). */
  publicUrl: string;
  /** The default merchant's mode: test shows the test-mode ribbon and a curl to try. */
  mode: 'test' | 'live';
  /** The year the curl's test card expires (a few years from the merchant's now). */
  cardYear: number;
}

/**
 * `/`: what kessai is, where its dashboard, API reference and health check are, what its keys
 * look like and, in test mode, a curl that creates a payment. The page is public, so it shows
 * the keys' prefixes only: the keys were printed by `kessai serve`, and secret keys are stored as
 * digests anyway. English only: its readers are developers (the customer pages are translated).
 */
export function landingPage({ publicUrl, mode, cardYear }: LandingProps): Html {
  return layout({
    locale: 'en',
    title: 'kessai',
    testMode: mode === 'test',
    body: html`<header class="head"><p class="merchant">kessai</p><h1>A payment gateway that speaks the KOMOJU API</h1></header>
<p class="notice">A self-hosted stand-in for KOMOJU: point a KOMOJU client at this server's API base URL with its keys, and
payments, sessions, refunds and webhooks work as they do on komoju.com${mode === 'test' ? ', with test cards and a test clock' : ''}.</p>
<nav aria-label="Where to go" class="actions">
<a class="button primary" href="/dashboard">Dashboard</a>
<a class="button secondary" href="/docs">API reference</a>
<a class="button secondary" href="/health">Health check</a>
</nav>
${detailList([
  { label: 'API base URL', value: `${publicUrl}/api/v1`, code: true },
  { label: 'Secret key', value: `sk_${mode}_…`, code: true, hint: 'server side only; printed by kessai serve at start, rolled in the dashboard', name: 'secret-key' },
  { label: 'Publishable key', value: `pk_${mode}_…`, code: true, hint: 'for browsers (tokens, sessions’ pay)', name: 'publishable-key' },
])}
${mode === 'test' ? tryIt(publicUrl, cardYear) : null}`,
  });
}

/** A payment with KOMOJU's Visa test card, the secret key taken from the environment. */
function tryIt(publicUrl: string, cardYear: number): Html {
  const curl = [
    `curl -u "$KESSAI_SECRET_KEY:" ${publicUrl}/api/v1/payments \\`,
    '  -d amount=1000 -d currency=JPY \\',
    '  -d "payment_details[type]=credit_card" \\',
    '  -d "payment_details[number]=4111111111111111" \\',
    `  -d "payment_details[month]=12" -d "payment_details[year]=${cardYear}" \\`,
    '  -d "payment_details[verification_value]=123" -d "payment_details[name]=Taro Yamada"',
  ].join('\n');
  return html`<section class="try" aria-labelledby="try">
<h2 id="try">Try it</h2>
<p>Set <code>KESSAI_SECRET_KEY</code> to the secret key kessai printed, then create a payment:</p>
<pre class="curl" tabindex="0"><code>${curl}</code></pre>
<p class="hint">4123111111111000 is declined (502 <code>insufficient_funds</code>); the API reference lists every test card and scenario.</p>
</section>`;
}
