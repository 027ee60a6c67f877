/**
 * The indefinite article for a word read aloud in English: "an" before a vowel sound, "a"
 * otherwise. Messages name statuses and payment types (`expired`, `authorized`, `alipay`), so
 * "A expired payment" must not happen. Words starting with a vowel letter that sound like a
 * consonant ("unionpay" is "a unionpay") are rare among our identifiers; the exceptions are
 * listed.
 *
 *   withArticle('expired');   // 'an expired'
 *   withArticle('captured');  // 'a captured'
 */
const CONSONANT_SOUND = /^(uni|use|eu|one)/i;

export function withArticle(word: string, { capital = false } = {}): string {
  const an = /^[aeiou]/i.test(word) && !CONSONANT_SOUND.test(word);
  return `${an ? (capital ? 'An' : 'an') : capital ? 'A' : 'a'} ${word}`;
}
