import type { Frame, Page } from 'playwright-core';
import { screenshot } from './browser';

/** The widths every page is saved and checked at: a laptop, and a phone (iPhone 12 to 15). */
export const SHOT_WIDTHS = [1280, 390] as const;
const PHONE = 390;

/**
 * What shows an id on the pages: the dashboard's `idLink`/`shortId` (`[data-id]`), every other
 * `code` (payment and event ids, keys, types), and the customer pages' `.code` (payment and
 * session ids, receipt numbers); not code in a `pre` (a curl, JSON), which wraps as a block.
 */
const ID_SELECTOR = 'code, .code, [data-id]';

/**
 * Saves the page as it stands, full length, as `<name>-<width>.png` at each of SHOT_WIDTHS (only
 * the viewport changes: no reload, so a page answering a POST is kept), and at 390 px checks it
 * (phoneLayoutProblems). Answers the problems, so that one run lists every page at fault.
 */
export async function shootAtBothWidths(page: Page, name: string): Promise<string[]> {
  const problems: string[] = [];
  for (const width of SHOT_WIDTHS) {
    await page.setViewportSize({ width, height: 900 });
    await paintFrames(page, width);
    await screenshot(page, `${name}-${width}`);
    await page.setViewportSize({ width, height: 900 });
    if (width === PHONE) problems.push(...(await phoneLayoutProblems(page, `${name}-${width}`)));
  }
  return problems;
}

/**
 * What is wrong with the page's layout at its current width, each line starting with `label`:
 * the document, or the document of a frame in it (the Mail page's mail), scrolls sideways, or an
 * id is wrapped onto more than two lines.
 */
export async function phoneLayoutProblems(page: Page, label: string): Promise<string[]> {
  const problems: string[] = [];
  for (const frame of page.frames()) {
    const where = frame === page.mainFrame() ? label : `${label} (frame ${new URL(frame.url()).pathname})`;
    const { scrollWidth, clientWidth } = await frame.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, clientWidth: document.documentElement.clientWidth }));
    if (scrollWidth > clientWidth) problems.push(`${where}: scrolls sideways (${scrollWidth} px of content in ${clientWidth} px)`);
    for (const id of await wrappedIds(frame)) problems.push(`${where}: id “${id.text}” wraps onto ${id.lines} lines`);
  }
  return problems;
}

/**
 * On a page with a frame, makes the viewport as tall as the page: Chromium does not paint a
 * cross-origin (sandboxed) frame while it is off screen, so a full-page screenshot would show the
 * Mail page's mail blank at 390 px, where it starts below the fold.
 */
async function paintFrames(page: Page, width: number): Promise<void> {
  if ((await page.locator('iframe').count()) === 0) return;
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  await page.setViewportSize({ width, height: Math.max(900, height) });
  await page.evaluate(() => new Promise((painted) => requestAnimationFrame(() => requestAnimationFrame(painted))));
}

/**
 * The ids on the page wrapped onto more than two lines: the lines of an element are the distinct
 * line boxes its text's fragments sit on (a nested id counts with the element around it; a
 * hidden one has no fragments).
 */
function wrappedIds(frame: Frame): Promise<{ text: string; lines: number }[]> {
  return frame.evaluate((selector) => {
    const lineCount = (element: Element): number => {
      const rects: DOMRect[] = [];
      const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const range = document.createRange();
        range.selectNodeContents(node);
        rects.push(...[...range.getClientRects()].filter((rect) => rect.width > 0));
      }
      rects.sort((a, b) => a.top - b.top);
      let lines = 0;
      let bottom = -Infinity;
      for (const rect of rects) {
        if (rect.top >= bottom - 2) {
          lines++;
          bottom = rect.bottom;
        } else bottom = Math.max(bottom, rect.bottom);
      }
      return lines;
    };
    return [...document.querySelectorAll(selector)]
      .filter((element) => !element.closest('pre') && !element.parentElement?.closest(selector))
      .map((element) => ({ text: (element.textContent ?? '').trim().slice(0, 60), lines: lineCount(element) }))
      .filter((id) => id.lines > 2);
  }, ID_SELECTOR);
}
