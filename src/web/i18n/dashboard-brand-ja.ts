import type { brandEn } from './dashboard-brand-en';

/** The dashboard's brand strings (display name and logo, in Settings) in Japanese. */
export const brandJa: typeof brandEn = {
  brand: {
    title: 'ブランド',
    hint: '決済ページ、お支払い方法のご案内、結果ページの上部にお客様に表示されます。',
    name: '表示名',
    logo: 'ロゴ',
    logoHint: (maxKb) => `PNG・JPEG・WebP、${maxKb} KB まで。高さ 40 px 以内で表示されます。`,
    currentLogo: '現在のロゴ',
    noLogo: 'ロゴはありません。お客様には表示名だけが表示されます。',
    removeLogo: 'ロゴを削除する',
    save: 'ブランドを保存',
    saved: 'ブランドを保存しました。',
    refusals: {
      name_blank: '表示名を入力してください。',
      name_too_long: (max) => `表示名は ${max} 文字以内にしてください。`,
      name_control: '表示名に制御文字は使えません。',
      logo_too_large: (maxKb) => `ロゴが ${maxKb} KB を超えています。`,
      logo_not_an_image: 'ロゴは PNG・JPEG・WebP の画像にしてください。',
      logo_too_many_pixels: 'ロゴの幅と高さは 4096 ピクセル以内にしてください。',
    },
  },
};
