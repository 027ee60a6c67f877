import type { startEn } from './dashboard-start-en';

/** The dashboard's getting-started strings (empty lists and chart, sign-in help) in Japanese. */
export const startJa: typeof startEn = {
  start: {
    noPayments: 'まだ決済はありません。',
    noSessions: 'まだセッションはありません。',
    firstPayment: '最初のテスト決済: テスト用シークレットキーでセッションを作成し、返ってきた session_url を開いてテストカードで支払います。',
    keyHint: 'sk_test_… をシークレットキーに置き換えてください。キーは作成時に一度だけ表示されます（新しいキーは',
    settings: '設定',
    noVolume: (days: number) => `過去${days}日間に確定した決済はありません。最初の決済があるとグラフが表示されます。`,
    noAccount: 'アカウントがない場合',
    createUser: 'サーバーにアクセスできる人が作成します:',
    oneTimeLink: 'または、kessai の起動時に表示される一回限りのサインインリンクを開いてください（テストモード・組み込みデータベース、15分間有効）。',
    csv: 'CSV エクスポート',
  },
};
