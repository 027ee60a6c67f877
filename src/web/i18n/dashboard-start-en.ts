/**
 * The dashboard's strings for getting started (empty lists and chart, the sign-in page's help) in
 * English, kept apart from dashboard-en.ts so each file stays short; dashboard-start-ja.ts matches.
 */
export const startEn = {
  start: {
    noPayments: 'No payments yet.',
    noSessions: 'No sessions yet.',
    firstPayment: 'Make your first test payment: create a session with your test secret key, open the session_url it answers and pay with a test card.',
    keyHint: 'Put your secret key in place of sk_test_…: it is shown once, when it is made (roll a new one in',
    settings: 'Settings',
    noVolume: (days: number) => `No captured payments in the last ${days} days. The chart appears with the first one.`,
    noAccount: 'No account yet?',
    createUser: 'Someone with access to the server creates one:',
    oneTimeLink: 'Or open the one-time sign-in link kessai prints when it starts (test mode, embedded database; valid 15 minutes).',
    csv: 'Export CSV',
  },
};
