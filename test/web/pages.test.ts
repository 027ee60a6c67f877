import { describe, expect, it } from 'vitest';
import { instructionsPage } from '../../src/web/pages/instructions';
import { offsitePage } from '../../src/web/pages/offsite';
import { resultPage } from '../../src/web/pages/result';
import type { PagePayment } from '../../src/web/pages/types';

// Pages rendered from hand-made payment records, shaped as the methods' publicDetails are.
function payment(type: string, details: Record<string, unknown>, overrides: Partial<PagePayment> = {}): PagePayment {
  return {
    id: 'pay0000000000000000000001',
    status: 'authorized',
    payment_type: type,
    amount: 1000,
    tax: 100,
    payment_method_fee: 0,
    total: 1100,
    currency: 'JPY',
    payment_deadline: new Date('2020-06-12T14:59:59Z'),
    payment_details: { type, email: 'taro@example.com', ...details, instructions_url: 'http://kessai.test/ja/instructions/x' },
    description: null,
    ...overrides,
  };
}

const KONBINI = payment('konbini', { store: 'lawson', confirmation_code: '2222', receipt: '90865708838' });
const BANK = payment('bank_transfer', {
  order_id: 'K1234567890',
  bank_name: '三井住友銀行',
  account_branch_name: 'ひなぎく',
  account_number: '1234567',
  account_type: '普通預金',
  account_name: '株式会社DEGICA(カブシキガイシャ デジカ)',
});
const PAY_EASY = payment('pay_easy', { bank_id: '58191', customer_id: '12345678901234567890', confirmation_id: '123456' });
const CVS = payment('cvs', { receipt: '1234567890123' });

function render(p: PagePayment, locale: 'ja' | 'en' | 'ko' = 'ja', testMode = true, merchantName = 'Degica Mart') {
  return instructionsPage({
    locale,
    payment: p,
    merchantName,
    methodName: 'X',
    testMode,
    simulateAction: `/ja/instructions/${p.id}/simulate`,
    languages: [],
  }).toString();
}

/** The label and value of one row of a details list. */
function row(page: string, field: string): string | undefined {
  const match = new RegExp(`data-field="${field}"><dt>(.*?)</dt><dd>(.*?)</dd>`).exec(page);
  return match ? `${match[1]}=${match[2].replace(/<[^>]+>/g, '')}` : undefined;
}

describe('instructions page', () => {
  it('shows every konbini code, the total and the deadline in Tokyo time (ja)', () => {
    const page = render(KONBINI);
    expect(page).toContain('<html lang="ja">');
    expect(row(page, 'store')).toBe('お支払い先=ローソン');
    expect(row(page, 'receipt')).toBe('受付番号=90865708838');
    expect(row(page, 'confirmation_code')).toBe('確認番号=2222');
    expect(page).toContain('¥1,100');
    expect(row(page, 'deadline')).toBe('お支払い期限=2020年6月12日 23:59 (日本時間)');
    expect(page).toContain('Degica Mart');
    expect(page).not.toContain('taro@example.com');
  });

  it('shows the bank account and the remitter name for a bank transfer (en)', () => {
    const page = render(BANK, 'en');
    expect(row(page, 'bank_name')).toBe('Bank=三井住友銀行');
    expect(row(page, 'account_branch_name')).toBe('Branch=ひなぎく');
    expect(row(page, 'account_type')).toBe('Account type=普通預金');
    expect(row(page, 'account_number')).toBe('Account number=1234567');
    expect(row(page, 'account_name')).toBe('Account holder=株式会社DEGICA(カブシキガイシャ デジカ)');
    expect(row(page, 'order_id')).toBe('Remitter name=K1234567890Write this as the remitter name of your transfer.');
    expect(row(page, 'deadline')).toBe('Pay by=June 12, 2020 at 23:59 (Japan time)');
  });

  it('shows the three PayEasy numbers (ko) and the cvs receipt', () => {
    const page = render(PAY_EASY, 'ko');
    expect(row(page, 'bank_id')).toBe('수납기관 번호=58191');
    expect(row(page, 'customer_id')).toBe('고객 번호=12345678901234567890');
    expect(row(page, 'confirmation_id')).toBe('확인 번호=123456');
    expect(row(render(CVS, 'en'), 'receipt')).toBe('Receipt number=1234567890123');
  });

  it('offers "Simulate payment" only in test mode and only while the payment awaits', () => {
    expect(render(KONBINI, 'en')).toContain('<form method="post" action="/ja/instructions/pay0000000000000000000001/simulate"');
    expect(render(KONBINI, 'en')).toContain('Simulate payment');
    expect(render(KONBINI, 'en', false)).not.toContain('<form');
    const paid = render({ ...KONBINI, status: 'captured' }, 'en');
    expect(paid).not.toContain('<form');
    expect(paid).toContain('Your payment has been received');
    expect(paid).toContain('data-status="captured"');
  });

  it('hides codes and the deadline of a payment that can no longer be paid', () => {
    const page = render({ ...KONBINI, status: 'expired' }, 'en');
    expect(page).toContain('This payment can no longer be paid.');
    expect(page).not.toContain('90865708838');
    expect(row(page, 'deadline')).toBeUndefined();
  });

  it('escapes what merchants and customers wrote', () => {
    const page = render({ ...KONBINI, description: '<img src=x onerror=alert(1)>' }, 'en', true, '<b>Evil & Co</b>');
    expect(page).not.toContain('<img src=x');
    expect(page).not.toContain('<b>Evil');
    expect(page).toContain('&lt;b&gt;Evil &amp; Co&lt;/b&gt;');
  });

  it('loads nothing but its own stylesheet: no script, no inline style', () => {
    const page = render(KONBINI);
    expect(page).not.toMatch(/<script|style=|<style/);
    expect(page).toContain('<link rel="stylesheet" href="/assets/kessai.css">');
  });
});

describe('offsite simulator page', () => {
  const line = payment('line_pay', { redirect_url: 'http://kessai.test/offsite/new?uuid=x' }, { payment_deadline: null });
  const props = {
    locale: 'en' as const,
    payment: line,
    merchantName: 'Degica Mart',
    providerName: 'LINE Pay',
    testMode: true,
    formAction: `/offsite/${line.id}`,
    resultHref: `/offsite/${line.id}?locale=en`,
    languages: [],
  };

  it('shows provider, amount and merchant with Approve, Decline and Cancel in one plain form', () => {
    const page = offsitePage(props).toString();
    expect(page).toContain('Pay with LINE Pay');
    expect(page).toContain('¥1,100');
    expect(row(page, 'merchant')).toBe('Merchant=Degica Mart');
    expect(page).toContain(`<form method="post" action="/offsite/${line.id}"`);
    for (const action of ['approve', 'decline', 'cancel']) expect(page).toContain(`name="action" value="${action}"`);
    expect(page).toContain('<input type="hidden" name="locale" value="en">');
  });

  it('shows the state instead of buttons once the payment is settled (ja)', () => {
    const page = offsitePage({ ...props, locale: 'ja', payment: { ...line, status: 'captured' } }).toString();
    expect(page).not.toContain('<form');
    expect(page).toContain('この決済はお客様の操作を待っていません。');
    expect(page).toContain(`href="/offsite/${line.id}?locale=en"`);
  });

  it('result page links back to the shop only when there is a return URL', () => {
    const base = { locale: 'en' as const, payment: { ...line, status: 'failed' }, merchantName: 'M', providerName: 'LINE Pay', testMode: true, languages: [] };
    const withReturn = resultPage({ ...base, returnHref: 'https://shop.example/done?payment_id=x&amp=1' }).toString();
    expect(withReturn).toContain('Payment declined');
    expect(withReturn).toContain('href="https://shop.example/done?payment_id=x&amp;amp=1"');
    const without = resultPage({ ...base, returnHref: null }).toString();
    expect(without).toContain('You can close this page.');
    expect(without).not.toContain('<a class="button');
  });
});
