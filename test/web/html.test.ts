import { describe, expect, it } from 'vitest';
import { formatDeadline, formatMoney } from '../../src/web/format';
import { html, raw, safeUrl } from '../../src/web/html';
import { preferredLocale } from '../../src/web/i18n';
import { withPaymentId } from '../../src/web/return-url';

describe('html', () => {
  it('escapes every interpolation, in text and in attributes', () => {
    const name = `<script>alert("x")</script> & 'co'`;
    expect(html`<p title="${name}">${name}</p>`.toString()).toBe(
      '<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;co&#39;">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;co&#39;</p>',
    );
  });

  it('nests templates and lists without escaping them twice, and drops empty values', () => {
    const items = ['a<b', 'c'].map((item) => html`<li>${item}</li>`);
    expect(html`<ul>${items}</ul>${null}${undefined}${false}${0}`.toString()).toBe('<ul><li>a&lt;b</li><li>c</li></ul>0');
    expect(html`${raw('<hr>')}`.toString()).toBe('<hr>');
  });

  it('lets only http(s) URLs through safeUrl', () => {
    expect(safeUrl('https://shop.example/done?x=1')).toBe('https://shop.example/done?x=1');
    expect(safeUrl('http://127.0.0.1:8080/')).toBe('http://127.0.0.1:8080/');
    expect(safeUrl('javascript:alert(1)')).toBeNull();
    expect(safeUrl('data:text/html,hi')).toBeNull();
    expect(safeUrl('/relative')).toBeNull();
    expect(safeUrl(null)).toBeNull();
  });
});

describe('withPaymentId', () => {
  it('adds payment_id, keeping the query as sent and the fragment last', () => {
    expect(withPaymentId('https://shop.example/done', 'abc')).toBe('https://shop.example/done?payment_id=abc');
    expect(withPaymentId('https://shop.example/done?order=1&q=a+b%20c', 'abc')).toBe('https://shop.example/done?order=1&q=a+b%20c&payment_id=abc');
    expect(withPaymentId('https://shop.example/done?', 'abc')).toBe('https://shop.example/done?payment_id=abc');
    expect(withPaymentId('https://shop.example/done?order=1#top', 'abc')).toBe('https://shop.example/done?order=1&payment_id=abc#top');
  });
});

describe('formats', () => {
  it('formats money per currency (minor units) and locale', () => {
    // One yen sign whatever the language (Intl alone gives ￥ in ja and JP¥ in ko).
    for (const locale of ['ja', 'en', 'ko'] as const) expect(formatMoney(1100, 'JPY', locale)).toBe('¥1,100');
    expect(formatMoney(1100, 'JPY', 'en')).toBe('¥1,100');
    expect(formatMoney(1050, 'USD', 'en')).toBe('$10.50');
    expect(formatMoney(5000, 'KRW', 'ko')).toBe('₩5,000');
  });

  it('prints deadlines in Tokyo time whatever the zone', () => {
    const deadline = new Date('2020-06-12T14:59:59Z'); // 23:59:59 JST
    expect(formatDeadline(deadline, 'ja')).toBe('2020年6月12日 23:59');
    expect(formatDeadline(deadline, 'en')).toContain('June 12, 2020');
    expect(formatDeadline(deadline, 'en')).toContain('23:59');
    expect(formatDeadline(deadline.toISOString(), 'ko')).toContain('23:59');
  });

  it('picks the first language the browser prefers that the pages speak', () => {
    expect(preferredLocale('fr-FR,en-GB;q=0.9,ja;q=0.8', 'ja')).toBe('en');
    expect(preferredLocale('ko', 'ja')).toBe('ko');
    expect(preferredLocale(undefined, 'ja')).toBe('ja');
    expect(preferredLocale('de', 'en')).toBe('en');
  });
});
