/**
 * The hosted page's budgets (issue 19), measured in Chromium: a 7-method session's page, loaded
 * in a new browser context each time (nothing cached), ≤ 100 KB transferred, ≤ 1,200 px tall at
 * 1280 px wide before a method is chosen, first byte ≤ 20 ms and load ≤ 300 ms locally. Each
 * figure is the median of BENCH_RUNS loads (5), each of a new session.
 *
 *   npm run bench:pages
 *
 * kessai runs from this checkout (node bin/kessai.js serve) on a fresh PGlite directory; Chromium
 * is Debian's /usr/bin/chromium, driven by playwright-core as the browser tests do. Bytes are the
 * response headers and bodies of every request the page made, as they came over the wire; the
 * times are the page's Navigation Timing: responseStart (first byte) and loadEventEnd (load).
 * Beside them, the floor: the load of the 404 page, in the same browser and run, which is what
 * Chromium and the server take for any page.
 */
import { chromium, type Browser } from 'playwright-core';
import { loadSettings, main, onCleanup, request, startKessai } from './lib';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const CHROMIUM_PATH = '/usr/bin/chromium';
const SEVEN = ['credit_card', 'konbini', 'paypay', 'bank_transfer', 'pay_easy', 'merpay', 'line_pay'];
const BUDGETS = { kb: 100, heightPx: 1200, firstByteMs: 20, loadMs: 300 };

interface Load {
  kb: number;
  heightPx: number;
  firstByteMs: number;
  loadMs: number;
}

/** Loads `url` in a new context at 1280 px and reads its weight, height and timings. */
async function loadOnce(browser: Browser, url: string): Promise<Load> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    const page = await context.newPage();
    const sizes: Promise<number>[] = [];
    page.on('requestfinished', (finished) => sizes.push(finished.sizes().then((s) => s.responseHeadersSize + s.responseBodySize)));
    await page.goto(url, { waitUntil: 'load' });
    await page.waitForFunction(() => (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).loadEventEnd > 0);
    const timing = await page.evaluate(() => {
      const navigation = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
      return { firstByteMs: navigation.responseStart, loadMs: navigation.loadEventEnd, heightPx: document.documentElement.scrollHeight };
    });
    const bytes = (await Promise.all(sizes)).reduce((sum, size) => sum + size, 0);
    return { kb: bytes / 1024, ...timing };
  } finally {
    await context.close();
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function row(label: string, values: number[], unit: string, budget: number, digits = 0): string {
  const value = median(values);
  const verdict = value <= budget ? 'within' : 'OVER';
  const all = values.map((v) => v.toFixed(digits)).join(', ');
  return `  ${label.padEnd(40)} ${`${value.toFixed(digits)} ${unit}`.padStart(10)}   budget ≤ ${budget} ${unit} (${verdict})   runs: ${all}`;
}

await main(async () => {
  const server = await startKessai({ db: 'pglite', settings: loadSettings({ db: 'pglite' }) });
  onCleanup('stop kessai', () => server.stop());
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: ['--headless', '--no-sandbox', '--disable-gpu'] });
  onCleanup('close Chromium', () => browser.close());
  process.stdout.write(`hosted page of a 7-method session at 1280 px, median of ${RUNS} loads (new context each): ${server.url}\n`);
  const loads: Load[] = [];
  // One load first, not counted: the server's first render of the page and Chromium's first
  // context pay for compiling code that every later load finds ready.
  for (let i = -1; i < RUNS; i++) {
    const body = { amount: 5980, currency: 'JPY', default_locale: 'en', return_url: 'https://shop.example/done', payment_types: SEVEN };
    const session = await request(server.url, 'POST', '/api/v1/sessions', body);
    if (session.status !== 200) throw new Error(`creating a session answered ${session.status}: ${session.text}`);
    const load = await loadOnce(browser, session.json.session_url);
    if (i >= 0) loads.push(load);
  }
  // The floor, in the same browser and run: the 404 page, one small HTML page and its stylesheet.
  const floors: Load[] = [];
  for (let i = 0; i < RUNS; i++) floors.push(await loadOnce(browser, `${server.url}/no-such-page`));
  process.stdout.write(
    [
      row('floor: load of the 404 page (HTML + CSS)', floors.map((l) => l.loadMs), 'ms', BUDGETS.loadMs),
      row('transferred (HTML, CSS, scripts, images)', loads.map((l) => l.kb), 'KB', BUDGETS.kb, 1),
      row('page height before a method is chosen', loads.map((l) => l.heightPx), 'px', BUDGETS.heightPx),
      row('time to first byte', loads.map((l) => l.firstByteMs), 'ms', BUDGETS.firstByteMs, 1),
      row('load (loadEventEnd)', loads.map((l) => l.loadMs), 'ms', BUDGETS.loadMs),
    ].join('\n') + '\n',
  );
});
