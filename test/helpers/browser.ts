import { existsSync, mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';

/**
 * Browser tests drive Debian's Chromium (`apt-get install chromium`) through playwright-core: no
 * browser download at install time. Where it is missing, a developer's run skips them; CI
 * (`CI=true`) fails instead, so they can never be skipped silently there.
 */
export const CHROMIUM_PATH = '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM_PATH);

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** `describe` for browser tests: runs with Chromium; without it, skips — or fails under CI=true. */
export function describeBrowser(name: string, body: () => void): void {
  if (hasChromium) describe(name, body);
  else if (process.env.CI === 'true') {
    describe(name, () => {
      it(`needs Chromium at ${CHROMIUM_PATH}`, () => {
        throw new Error(`Chromium is missing at ${CHROMIUM_PATH}: install it with apt-get install -y chromium (.ci/run does)`);
      });
    });
  } else describe.skip(`${name} (no Chromium at ${CHROMIUM_PATH})`, body);
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: ARGS });
}

export const SCREENSHOT_DIR = new URL('../../test-results/screenshots/', import.meta.url);

/** Saves a full-page screenshot as test-results/screenshots/<name>.png (gitignored). */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: new URL(`${name}.png`, SCREENSHOT_DIR).pathname, fullPage: true });
}

/**
 * Collects what would show a broken page: CSP violations and other console errors, failed
 * requests (the stylesheet), and uncaught page errors.
 */
export function watchProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('requestfailed', (request) => {
    const error = request.failure()?.errorText;
    // The favicon loads after the page's load event, so a click that navigates at once cancels it
    // (ERR_ABORTED): the browser leaving the page, not a broken one. Seen once in CI on PostgreSQL.
    if (error === 'net::ERR_ABORTED' && new URL(request.url()).pathname === '/assets/favicon.svg') return;
    problems.push(`request failed: ${request.url()} ${error}`);
  });
  return problems;
}

/**
 * A new page at `url`, which must answer 200, with its problems watched (see watchProblems) and
 * a 60 s default timeout for slow CI machines.
 */
export async function openPage(browser: Browser, url: string, viewport = { width: 800, height: 900 }): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage({ viewport });
  page.setDefaultTimeout(60_000);
  const problems = watchProblems(page);
  const response = await page.goto(url);
  expect(response?.status()).toBe(200);
  return { page, problems };
}

/** A second local HTTP server on another origin: the merchant's shop (return_url) or another site. */
export interface OtherSite {
  url: string;
  close(): Promise<void>;
}

/**
 * Serves `pages[pathname]` (HTML) and, for any other path, a small "back at the shop" page
 * echoing the URL, as a merchant's return_url would.
 */
export async function startOtherSite(pages: Record<string, (url: URL) => string> = {}): Promise<OtherSite> {
  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const page = pages[url.pathname];
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(page ? page(url) : `<!doctype html><title>Shop</title><h1>Back at the shop</h1><p id="query">${url.search.replace(/[<>&"]/g, '')}</p>`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
