/**
 * The JSON-Schema format name of a URL a browser may be sent to (`return_url`, `cancel_url`):
 * request schemas say `{ format: WEB_URL }`, and the shared Ajv options (src/domain/validate.ts)
 * check it with `isWebUrl`, in the routes' validation and in payment_details alike.
 */
export const WEB_URL = 'web-url';

// Printable ASCII without the characters RFC 3986 never allows in a URI: the value is written
// as is into a `Location` header (where Node refuses anything past Latin-1, and CR/LF would split
// the header) and into pages.
const PLAIN = /^https?:\/\/[^\x00-\x20\x7f-\uffff"<>\\^`{|}]+$/i;

/**
 * True for an absolute http or https URL with a host, and nothing else: `javascript:`, `data:`,
 * `vbscript:`, `file:`, `intent:` and every other scheme would run or open something in the
 * customer's browser when we redirect to it or link it. The text itself must start with
 * `http://` or `https://`: the WHATWG parser (what browsers use) forgives `https:shop.example`,
 * leading blanks and backslashes, which a stored value must not depend on.
 *
 *   isWebUrl('https://shop.example/done?order=1'); // true
 *   isWebUrl('javascript:alert(1)');               // false
 */
export function isWebUrl(value: string): boolean {
  if (!PLAIN.test(value)) return false;
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}
