/**
 * English strings of the customer's pages: the reference language. ja.ts and ko.ts have the same
 * shape (the `Messages` type is this object's), so a missing string fails the type check.
 */
export const en = {
  languageName: 'English',
  common: {
    merchant: 'Merchant',
    method: 'Payment method',
    amount: 'Amount',
    tax: 'Tax',
    fee: 'Payment fee',
    total: 'Total',
    deadline: 'Pay by',
    status: 'Status',
    paymentId: 'Payment ID',
    description: 'Description',
    testMode: 'Test mode',
    tokyoTime: 'Japan time',
    languages: 'Language',
  },
  status: {
    pending: 'Pending',
    authorized: 'Awaiting payment',
    captured: 'Paid',
    refunded: 'Refunded',
    cancelled: 'Cancelled',
    expired: 'Expired',
    failed: 'Failed',
  },
  /** Labels of the codes in payment_details, by key. */
  fields: {
    store: 'Store',
    receipt: 'Receipt number',
    confirmation_code: 'Confirmation code',
    bank_name: 'Bank',
    account_branch_name: 'Branch',
    account_type: 'Account type',
    account_number: 'Account number',
    account_name: 'Account holder',
    order_id: 'Remitter name',
    bank_id: 'Collection agency number',
    customer_id: 'Customer number',
    confirmation_id: 'Confirmation number',
    provider: 'Provider',
  },
  stores: {
    'seven-eleven': '7-Eleven',
    'family-mart': 'FamilyMart',
    lawson: 'Lawson',
    ministop: 'Ministop',
    'daily-yamazaki': 'Daily Yamazaki',
    seicomart: 'Seicomart',
  },
  instructions: {
    title: 'Payment instructions',
    heading: (method: string) => `Pay with ${method}`,
    pleasePay: 'Please pay the total above by the deadline, using the details below.',
    paid: 'Thank you. Your payment has been received.',
    closed: 'This payment can no longer be paid.',
    howTo: 'How to pay',
    /** Steps by payment type; types without steps show none. */
    steps: {
      konbini: [
        'Go to the store named above before the deadline.',
        'Give the receipt number (and the confirmation code, if shown) at the till or the in-store terminal.',
        'Pay the total in cash and keep the receipt.',
      ],
      cvs: [
        'Go to a convenience store before the deadline.',
        'Give the receipt number at the till.',
        'Pay the total in cash and keep the receipt.',
      ],
      bank_transfer: [
        'Transfer the exact total to the account above before the deadline.',
        'Enter the remitter name exactly as shown, so that your transfer can be matched to this payment.',
        'Transfer fees are paid by you.',
      ],
      pay_easy: [
        'In online banking or at an ATM showing the Pay-easy mark, choose “Pay-easy”.',
        'Enter the collection agency number, the customer number and the confirmation number above.',
        'Check the amount and confirm the payment before the deadline.',
      ],
    },
    orderIdHint: 'Write this as the remitter name of your transfer.',
    simulateTitle: 'Test mode',
    simulateHint: 'No money moves in test mode. Simulate the customer paying at the store or bank:',
    simulate: 'Simulate payment',
  },
  offsite: {
    title: 'Payment simulator',
    heading: (provider: string) => `Pay with ${provider}`,
    intro: (provider: string) => `This page stands in for ${provider}: choose what the customer does.`,
    approve: 'Approve',
    decline: 'Decline',
    cancel: 'Cancel',
    notActionable: 'This payment is no longer waiting for the customer.',
    result: 'See the result',
  },
  result: {
    title: 'Payment result',
    headings: {
      captured: 'Payment complete',
      failed: 'Payment declined',
      cancelled: 'Payment cancelled',
      expired: 'Payment expired',
      refunded: 'Payment refunded',
      authorized: 'Payment not completed yet',
      pending: 'Payment not completed yet',
    },
    back: 'Return to the shop',
    noReturn: 'You can close this page.',
  },
  errors: {
    badRequest: { title: 'Invalid request', text: 'Open the payment page again and use its buttons.' },
    notFound: { title: 'Page not found', text: 'There is no such payment, or this page does not belong to it.' },
    forbidden: { title: 'Not allowed', text: 'This action is not available for this payment.' },
    crossSite: { title: 'Request refused', text: 'This form was sent from another site. Open the payment page again and use its buttons.' },
    unavailable: { title: 'Busy', text: 'The server is busy. Please try again in a moment.' },
    server: { title: 'Something went wrong', text: 'Please try again. If it keeps happening, contact the shop.' },
  },
};

export type Messages = typeof en;
