import type { PageLocale } from './index';

/**
 * The words of the customer's e-mails (web/mail/compose.ts). Labels of amounts, codes, stores and
 * the steps of paying come from the pages' messages and the methods' `howToPay`, so a mail and the
 * instructions page never say the same thing two ways.
 */
export interface MailMessages {
  subjects: { instructions: (method: string, merchant: string) => string; receipt: (merchant: string) => string; refund: (merchant: string) => string };
  greeting: string;
  intro: { instructions: (merchant: string) => string; receipt: (merchant: string) => string; refund: (merchant: string) => string };
  refunded: string;
  card: string;
  instructionsLink: string;
  footer: (merchant: string) => string;
}

const en: MailMessages = {
  subjects: {
    instructions: (method, merchant) => `[${merchant}] How to pay with ${method}`,
    receipt: (merchant) => `[${merchant}] Receipt for your payment`,
    refund: (merchant) => `[${merchant}] Your payment was refunded`,
  },
  greeting: 'Dear customer,',
  intro: {
    instructions: (merchant) => `Thank you for your order at ${merchant}. Your order is confirmed once you pay, as below.`,
    receipt: (merchant) => `Thank you. ${merchant} has received your payment.`,
    refund: (merchant) => `${merchant} has refunded your payment.`,
  },
  refunded: 'Refunded',
  card: 'Card',
  instructionsLink: 'The instructions online',
  footer: (merchant) => `This e-mail was sent on behalf of ${merchant}. Please do not reply to it.`,
};

const ja: MailMessages = {
  subjects: {
    instructions: (method, merchant) => `【${merchant}】${method}のお支払い方法のご案内`,
    receipt: (merchant) => `【${merchant}】お支払い完了のお知らせ`,
    refund: (merchant) => `【${merchant}】返金のお知らせ`,
  },
  greeting: 'お客様',
  intro: {
    instructions: (merchant) => `${merchant}をご利用いただきありがとうございます。下記の方法でお支払いください。お支払いの確認後、ご注文が確定します。`,
    receipt: (merchant) => `${merchant}へのお支払いを受け付けました。ありがとうございます。`,
    refund: (merchant) => `${merchant}へのお支払いを返金しました。`,
  },
  refunded: '返金額',
  card: 'カード',
  instructionsLink: 'お支払い方法（ウェブページ）',
  footer: (merchant) => `このメールは${merchant}に代わってお送りしています。このメールには返信しないでください。`,
};

const ko: MailMessages = {
  subjects: {
    instructions: (method, merchant) => `[${merchant}] ${method} 결제 방법 안내`,
    receipt: (merchant) => `[${merchant}] 결제 완료 안내`,
    refund: (merchant) => `[${merchant}] 환불 안내`,
  },
  greeting: '고객님께',
  intro: {
    instructions: (merchant) => `${merchant}을(를) 이용해 주셔서 감사합니다. 아래 방법으로 결제해 주세요. 결제가 확인되면 주문이 확정됩니다.`,
    receipt: (merchant) => `${merchant}에 대한 결제가 완료되었습니다. 감사합니다.`,
    refund: (merchant) => `${merchant}에 대한 결제가 환불되었습니다.`,
  },
  refunded: '환불 금액',
  card: '카드',
  instructionsLink: '결제 방법 (웹 페이지)',
  footer: (merchant) => `이 메일은 ${merchant}을(를) 대신하여 발송되었습니다. 회신하지 마세요.`,
};

const MAIL_MESSAGES: Record<PageLocale, MailMessages> = { ja, en, ko };

export function mailMessages(locale: PageLocale): MailMessages {
  return MAIL_MESSAGES[locale];
}
