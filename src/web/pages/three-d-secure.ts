import { formatMoney } from '../format';
import { html, type Html } from '../html';
import type { PageLocale } from '../i18n';
import { layout } from '../layout';

/**
 * The strings of the 3-D Secure page. It stands in for the card issuer's page, not for kessai's
 * own checkout, so they live here rather than in the checkout's message tables.
 */
const TEXT: Record<PageLocale, { title: string; intro: string; amount: string; password: string; hint: string; submit: string; gone: string }> = {
  ja: {
    title: '3Dセキュア認証',
    intro: 'カード発行会社の本人認証です。パスワードを入力してください。',
    amount: 'ご請求金額',
    password: 'パスワード',
    hint: 'テスト: 123456 で認証成功、111111 で認証失敗',
    submit: '認証する',
    gone: 'この認証は使用済みか、有効期限が切れています。',
  },
  en: {
    title: '3-D Secure authentication',
    intro: 'Your card issuer asks you to confirm this payment. Enter your password.',
    amount: 'Amount',
    password: 'Password',
    hint: 'Test: 123456 passes, 111111 fails',
    submit: 'Authenticate',
    gone: 'This authentication was already used or has expired.',
  },
  ko: {
    title: '3-D Secure 인증',
    intro: '카드 발급사의 본인 인증입니다. 비밀번호를 입력하세요.',
    amount: '결제 금액',
    password: '비밀번호',
    hint: '테스트: 123456 인증 성공, 111111 인증 실패',
    submit: '인증하기',
    gone: '이 인증은 이미 사용되었거나 만료되었습니다.',
  },
};

export interface ChallengePageProps {
  locale: PageLocale;
  tokenId: string;
  amount: number;
  currency: string;
  /** Where the form posts. */
  formAction: string;
  /** The same page in each language. */
  languages: readonly { locale: PageLocale; href: string }[];
}

/**
 * GET /three_d_secure_service/offsite?token=… for a challenge card: the simulated issuer asks
 * for a password. A plain form post, no script; the password is never echoed back.
 */
export function challengePage({ locale, tokenId, amount, currency, formAction, languages }: ChallengePageProps): Html {
  const t = TEXT[locale];
  const body = html`<header class="head"><h1>${t.title}</h1></header>
<p class="notice">${t.intro}</p>
<p class="amount"><span class="label">${t.amount}</span> <span class="total">${formatMoney(amount, currency, locale)}</span></p>
<form method="post" action="${formAction}" class="actions challenge">
<input type="hidden" name="token" value="${tokenId}">
<input type="hidden" name="locale" value="${locale}">
<div class="field"><label for="password">${t.password}</label><input id="password" name="password" type="password" autocomplete="one-time-code" required aria-describedby="password-hint"><p class="hint" id="password-hint">${t.hint}</p></div>
<button type="submit" class="button primary">${t.submit}</button>
</form>`;
  return layout({ locale, title: t.title, languages, testMode: true, body });
}

/** The token was used, expired or is not waiting for authentication any more. */
export function unavailablePage(locale: PageLocale): Html {
  const t = TEXT[locale];
  return layout({ locale, title: t.title, testMode: true, body: html`<header class="head"><h1>${t.title}</h1></header><p class="notice" role="status">${t.gone}</p>` });
}
