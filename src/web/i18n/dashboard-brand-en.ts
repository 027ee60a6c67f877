/**
 * The dashboard's strings for the merchant's brand (display name and logo, in Settings) in
 * English, kept apart from dashboard-en.ts so each file stays short; dashboard-brand-ja.ts matches.
 */
export const brandEn = {
  brand: {
    title: 'Brand',
    hint: 'What your customers see above the hosted page, the payment instructions and the result pages.',
    name: 'Display name',
    logo: 'Logo',
    logoHint: (maxKb: number) => `PNG, JPEG or WebP, up to ${maxKb} KB. Shown at most 40 px tall.`,
    currentLogo: 'Current logo',
    noLogo: 'No logo: customers see your display name alone.',
    removeLogo: 'Remove the logo',
    save: 'Save brand',
    saved: 'The brand was saved.',
    refusals: {
      name_blank: 'The display name cannot be blank.',
      name_too_long: (max: number) => `The display name can be at most ${max} characters.`,
      name_control: 'The display name cannot contain control characters.',
      logo_too_large: (maxKb: number) => `The logo is larger than ${maxKb} KB.`,
      logo_not_an_image: 'The logo must be a PNG, JPEG or WebP image.',
      logo_too_many_pixels: 'The logo can be at most 4096 pixels wide and tall.',
    },
  },
};
