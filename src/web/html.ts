import { isWebUrl } from '../lib/web-url';

/**
 * HTML for server-rendered pages, escaped by default. Every `${…}` in an `html` template is escaped
 * unless it is itself `Html` (another template's output, or `raw()` of a constant), so a merchant
 * name like `<script>` or a description with quotes can never become markup.
 *
 *   const name = '<b>Degica & Co</b>';
 *   html`<p title="${name}">${name}</p>`.toString();
 *   // '<p title="&lt;b&gt;Degica &amp; Co&lt;/b&gt;">&lt;b&gt;Degica &amp; Co&lt;/b&gt;</p>'
 *
 * Attribute values must be quoted in the template (they are escaped for `"` and `'`). A URL taken
 * from outside goes through `safeUrl` first: escaping does not stop `javascript:`.
 */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

/** What may be interpolated: text (escaped), numbers, Html, nothing (null/undefined/false), or lists of these. */
export type Child = Html | string | number | null | undefined | false | readonly Child[];

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

function render(child: Child): string {
  if (child === null || child === undefined || child === false) return '';
  if (child instanceof Html) return child.value;
  if (Array.isArray(child)) return child.map(render).join('');
  return escapeHtml(String(child));
}

export function html(strings: TemplateStringsArray, ...values: Child[]): Html {
  let out = strings[0];
  for (let i = 0; i < values.length; i++) out += render(values[i]) + strings[i + 1];
  return new Html(out);
}

/** Trusted markup, unescaped. Only for constants written in this codebase, never for data. */
export function raw(markup: string): Html {
  return new Html(markup);
}

/** `url` when it is an absolute http(s) URL, else null: the only links to elsewhere a page may print. */
export function safeUrl(url: string | null | undefined): string | null {
  return url && isWebUrl(url) ? url : null;
}
