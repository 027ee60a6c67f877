import type { PageLocale } from './index';

/**
 * Strings of the hosted page (`session_url`), per language. Kept beside the other pages' messages
 * rather than inside them while those files are being edited by others; the same shape in each
 * language is enforced by the `SessionMessages` type. `errors` are what the customer reads after
 * a refused attempt: by decline code, then by the field at fault, then a generic line — never the
 * API's English message.
 */
const en = {
  title: 'Checkout',
  customerTitle: 'Save your payment details',
  payWith: 'Choose how to pay',
  saveWith: 'Choose what to save',
  pay: 'Pay',
  payAmount: (total: string) => `Pay ${total}`,
  save: 'Save',
  returnToMerchant: 'Return to merchant',
  offsiteNote: (name: string) => `You will be taken to ${name} to pay.`,
  offsiteDeclined: (name: string) => `${name} declined the payment. Try again or choose another way to pay.`,
  offsiteCancelled: (name: string) => `The payment with ${name} was not completed. Try again or choose another way to pay.`,
  converted: (amount: string, rate: string) => `Charged as ${amount} (rate ${rate}).`,
  saveCard: 'Save this card for next time',
  savedCard: 'Your saved card',
  cardEnding: (brand: string, last4: string) => `${brand} ending in ${last4}`,
  expires: (month: string, year: string) => `expires ${month}/${year}`,
  expiredOn: (month: string, year: string) => `expired ${month}/${year}`,
  payWithSaved: 'Pay with this card',
  saveWithSaved: 'Use this card',
  removeSaved: 'Remove saved card',
  savedRemoved: 'Your saved card was removed.',
  prepaidShort: (amount: string) => `The card's balance did not cover the total: ${amount} is still to pay. Enter another card.`,
  otherCard: 'Or use another card',
  savedWithShop: 'Your card will be kept by the shop for later payments.',
  completed: 'This checkout is complete.',
  cancelled: 'This checkout was cancelled.',
  expired: 'This checkout has expired.',
  errorTitle: 'The payment did not go through',
  sessionId: 'Session ID',
  orderSummary: 'Order summary',
  errors: {
    declines: {
      card_declined: 'Your card was declined. Try another card or another way to pay.',
      insufficient_funds: 'Your card has insufficient funds.',
      exceeds_limit: 'This payment exceeds your card’s limit.',
      bad_verification_value: 'The security code (CVV) is wrong.',
      card_expired: 'Your card has expired.',
      other_invalid: 'This card cannot be used.',
      bad_gateway: 'This shop cannot take payments at the moment.',
      invalid_number: 'The number is invalid.',
      used_number: 'This number has already been used.',
      invalid_password: 'The password is wrong.',
      other_error: 'The payment provider could not process the payment. Please try again.',
      authentication_failed: 'Your card issuer could not confirm this payment (3-D Secure).',
    } as Record<string, string>,
    fields: {
      name: 'Enter the name printed on the card.',
      number: 'Enter a valid card number.',
      expiry: 'Enter a valid expiry date as MM/YY.',
      verification_value: 'Enter the 3- or 4-digit security code.',
      store: 'Choose a convenience store.',
      email: 'Enter a valid email address.',
      phone: 'Enter a valid phone number.',
      family_name: 'Enter your family name.',
      given_name: 'Enter your given name.',
      family_name_kana: 'Enter your family name in full-width katakana.',
      given_name_kana: 'Enter your given name in full-width katakana.',
      saved_card: 'Your saved card can no longer be used. Use another card.',
    } as Record<string, string>,
    amount: 'This payment method cannot take this amount.',
    unavailable: 'This checkout can no longer be paid.',
    generic: 'The payment could not be completed. Check your details and try again.',
  },
};
export type SessionMessages = typeof en;

const ja: SessionMessages = {
  title: 'お支払い',
  customerTitle: 'お支払い情報の登録',
  payWith: 'お支払い方法を選択',
  saveWith: '登録するお支払い方法を選択',
  pay: '支払う',
  payAmount: (total: string) => `${total}を支払う`,
  save: '登録する',
  returnToMerchant: 'ショップに戻る',
  offsiteNote: (name) => `${name}のページへ移動してお支払いください。`,
  offsiteDeclined: (name) => `${name}で決済が承認されませんでした。もう一度お試しいただくか、別のお支払い方法をお選びください。`,
  offsiteCancelled: (name) => `${name}での決済は完了しませんでした。もう一度お試しいただくか、別のお支払い方法をお選びください。`,
  converted: (amount, rate) => `${amount}でのお支払いになります（レート ${rate}）。`,
  saveCard: '次回のためにこのカードを保存する',
  savedCard: '保存済みのカード',
  cardEnding: (brand, last4) => `${brand}（下4桁 ${last4}）`,
  expires: (month, year) => `有効期限 ${month}/${year}`,
  expiredOn: (month, year) => `有効期限切れ（${month}/${year}）`,
  payWithSaved: 'このカードで支払う',
  saveWithSaved: 'このカードを使う',
  removeSaved: '保存済みのカードを削除',
  savedRemoved: '保存済みのカードを削除しました。',
  prepaidShort: (amount) => `カードの残高が不足しています。残り${amount}を別のカードでお支払いください。`,
  otherCard: '別のカードを使う',
  savedWithShop: 'カード情報はショップでの次回以降のお支払いのために保存されます。',
  completed: 'このお支払いは完了しています。',
  cancelled: 'このお支払いはキャンセルされました。',
  expired: 'このお支払いの有効期限が切れました。',
  errorTitle: 'お支払いを完了できませんでした',
  sessionId: 'セッションID',
  orderSummary: 'ご注文内容',
  errors: {
    declines: {
      card_declined: 'カードが承認されませんでした。別のカードまたは別のお支払い方法をお試しください。',
      insufficient_funds: 'カードの残高が不足しています。',
      exceeds_limit: 'カードの利用限度額を超えています。',
      bad_verification_value: 'セキュリティコード (CVV) が正しくありません。',
      card_expired: 'カードの有効期限が切れています。',
      other_invalid: 'このカードはご利用いただけません。',
      bad_gateway: 'このショップでは現在お支払いを受け付けられません。',
      invalid_number: '番号が正しくありません。',
      used_number: 'この番号はすでに使用されています。',
      invalid_password: 'パスワードが正しくありません。',
      other_error: '決済事業者でエラーが発生しました。もう一度お試しください。',
      authentication_failed: 'カード発行会社による本人認証（3Dセキュア）ができませんでした。',
    },
    fields: {
      name: 'カードに記載の名義を入力してください。',
      number: '正しいカード番号を入力してください。',
      expiry: '有効期限を MM/YY の形で正しく入力してください。',
      verification_value: '3桁または4桁のセキュリティコードを入力してください。',
      store: 'コンビニを選択してください。',
      email: '正しいメールアドレスを入力してください。',
      phone: '正しい電話番号を入力してください。',
      family_name: '姓を入力してください。',
      given_name: '名を入力してください。',
      family_name_kana: '姓を全角カタカナで入力してください。',
      given_name_kana: '名を全角カタカナで入力してください。',
      saved_card: '保存済みのカードは使えなくなりました。別のカードをお使いください。',
    },
    amount: 'このお支払い方法ではこの金額をお支払いいただけません。',
    unavailable: 'このお支払いはお手続きいただけません。',
    generic: 'お支払いを完了できませんでした。入力内容をご確認のうえ、もう一度お試しください。',
  },
};

const ko: SessionMessages = {
  title: '결제',
  customerTitle: '결제 정보 등록',
  payWith: '결제 수단 선택',
  saveWith: '등록할 결제 수단 선택',
  pay: '결제하기',
  payAmount: (total: string) => `${total} 결제하기`,
  save: '등록하기',
  returnToMerchant: '가맹점으로 돌아가기',
  offsiteNote: (name) => `${name}(으)로 이동하여 결제합니다.`,
  offsiteDeclined: (name) => `${name}에서 결제가 거절되었습니다. 다시 시도하거나 다른 결제 수단을 선택하세요.`,
  offsiteCancelled: (name) => `${name} 결제가 완료되지 않았습니다. 다시 시도하거나 다른 결제 수단을 선택하세요.`,
  converted: (amount, rate) => `${amount}(으)로 결제됩니다 (환율 ${rate}).`,
  saveCard: '다음 결제를 위해 이 카드 저장',
  savedCard: '저장된 카드',
  cardEnding: (brand, last4) => `${brand} (끝자리 ${last4})`,
  expires: (month, year) => `유효기간 ${month}/${year}`,
  expiredOn: (month, year) => `유효기간 만료 (${month}/${year})`,
  payWithSaved: '이 카드로 결제',
  saveWithSaved: '이 카드 사용',
  removeSaved: '저장된 카드 삭제',
  savedRemoved: '저장된 카드를 삭제했습니다.',
  prepaidShort: (amount) => `카드 잔액이 부족합니다. 남은 ${amount}을(를) 다른 카드로 결제해 주세요.`,
  otherCard: '다른 카드 사용',
  savedWithShop: '카드 정보는 다음 결제를 위해 가맹점에 저장됩니다.',
  completed: '이 결제는 완료되었습니다.',
  cancelled: '이 결제는 취소되었습니다.',
  expired: '이 결제는 만료되었습니다.',
  errorTitle: '결제가 완료되지 않았습니다',
  sessionId: '세션 ID',
  orderSummary: '주문 내역',
  errors: {
    declines: {
      card_declined: '카드가 거절되었습니다. 다른 카드나 다른 결제 수단을 이용해 주세요.',
      insufficient_funds: '카드 잔액이 부족합니다.',
      exceeds_limit: '카드 한도를 초과했습니다.',
      bad_verification_value: '보안 코드(CVV)가 올바르지 않습니다.',
      card_expired: '카드 유효기간이 지났습니다.',
      other_invalid: '이 카드는 사용할 수 없습니다.',
      bad_gateway: '이 상점은 현재 결제를 받을 수 없습니다.',
      invalid_number: '번호가 올바르지 않습니다.',
      used_number: '이미 사용된 번호입니다.',
      invalid_password: '비밀번호가 올바르지 않습니다.',
      other_error: '결제 대행사에서 오류가 발생했습니다. 다시 시도해 주세요.',
      authentication_failed: '카드 발급사의 본인 인증(3-D Secure)에 실패했습니다.',
    },
    fields: {
      name: '카드에 적힌 이름을 입력하세요.',
      number: '올바른 카드 번호를 입력하세요.',
      expiry: '유효기간을 MM/YY 형식으로 올바르게 입력하세요.',
      verification_value: '3자리 또는 4자리 보안 코드를 입력하세요.',
      store: '편의점을 선택하세요.',
      email: '올바른 이메일 주소를 입력하세요.',
      phone: '올바른 전화번호를 입력하세요.',
      family_name: '성을 입력하세요.',
      given_name: '이름을 입력하세요.',
      family_name_kana: '성을 전각 가타카나로 입력하세요.',
      given_name_kana: '이름을 전각 가타카나로 입력하세요.',
      saved_card: '저장된 카드를 더 이상 사용할 수 없습니다. 다른 카드를 사용하세요.',
    },
    amount: '이 결제 수단으로는 이 금액을 결제할 수 없습니다.',
    unavailable: '이 결제는 더 이상 진행할 수 없습니다.',
    generic: '결제를 완료하지 못했습니다. 입력 내용을 확인하고 다시 시도해 주세요.',
  },
};

const ALL: Record<PageLocale, SessionMessages> = { en, ja, ko };

export function sessionMessages(locale: PageLocale): SessionMessages {
  return ALL[locale];
}

/** Card brands as printed on cards: the same in every language. */
export const BRAND_NAMES: Record<string, string> = {
  visa: 'Visa',
  master: 'Mastercard',
  american_express: 'American Express',
  jcb: 'JCB',
  diners_club: 'Diners Club',
  discover: 'Discover',
  unionpay: 'UnionPay',
};

/**
 * What the customer reads after a refused attempt: the decline's own text, else the text of the
 * field at fault, else a generic line. `code` is KOMOJU's error code.
 */
export function failureText(locale: PageLocale, code: string, field: string | null): string {
  const t = ALL[locale].errors;
  if (Object.hasOwn(t.declines, code)) return t.declines[code];
  if (field === 'amount') return t.amount;
  if (field && Object.hasOwn(t.fields, field)) return t.fields[field];
  if (code === 'unprocessable_entity') return t.unavailable;
  return t.generic;
}
