import { de } from './de';
import { en } from './en';
import { languages, type Language, type Messages } from './messages';

export { NOTICE_VERSION, languages, type ChannelWords, type Language, type Messages, type ShownStatus } from './messages';

const byLanguage: Readonly<Record<Language, Messages>> = Object.freeze({ en, de });

/** The strings of one language. */
export function messagesFor(language: Language): Messages {
  return byLanguage[language];
}

/** The first of `tags` (BCP 47, most wanted first) the page is written in, by primary language; null when none is. */
export function supportedLanguage(tags: readonly (string | null | undefined)[]): Language | null {
  for (const tag of tags) {
    const primary = tag?.split('-')[0]?.toLowerCase();
    const found = languages.find((language) => language === primary);
    if (found) return found;
  }
  return null;
}
