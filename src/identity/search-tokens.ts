import { normalizeEmail } from './normalize-email';

/**
 * The name-search tokens of a person: "given family" and "family given", lower-cased,
 * accents removed, spaces collapsed, so that "Zoë  O'Brien" is found by "zoe o", "o'brien z"
 * and every shorter prefix. Empty when the record has no name.
 */
export function nameSearchTokens(given: string | undefined, family: string | undefined): string[] {
  const parts = [given, family].map(normalizeSearchText).filter((part) => part !== '');
  if (parts.length === 0) return [];
  const tokens = new Set([parts.join(' '), [...parts].reverse().join(' ')]);
  return [...tokens];
}

/** Lower-cases, strips diacritics and collapses whitespace (the form search tokens and queries share). */
export function normalizeSearchText(text: string | undefined): string {
  return (text ?? '')
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[|\s]+/g, ' ')
    .trim();
}

/**
 * The email local parts a person is found by ("james.murphy" finds james.murphy@example.com):
 * of each address shaped like one, lower-cased as the email key is, at least 2 characters.
 */
export function emailLocalPartTerms(emails: readonly string[] | undefined): string[] {
  const terms = (emails ?? []).flatMap((email) => {
    const localPart = normalizeSearchText(normalizeEmail(email)?.split('@')[0]);
    return localPart.length >= 2 ? [localPart] : [];
  });
  return [...new Set(terms)];
}

/**
 * The surname-with-initial forms a person is found by: every tail of the surname with the
 * given name's initial, after and before it, so that Jan de Vries is found by "de vries j",
 * "j de vries", "vries j" and "j vries" (what `queryTerms` makes of "Vries, J." and "J. Vries").
 */
export function surnameInitialTerms(given: string | undefined, family: string | undefined): string[] {
  const initial = normalizeSearchText(given).match(/[\p{L}\p{N}]/u)?.[0];
  const words = normalizeSearchText(family).split(' ').filter((word) => word !== '');
  if (!initial || words.length === 0) return [];
  return words.flatMap((_, start) => {
    const surname = words.slice(start).join(' ');
    return [`${surname} ${initial}`, `${initial} ${surname}`];
  });
}

/** The exact terms a query is looked up as: itself (a local part keeps its dots) and with dots and commas as spaces ("Vries, J."). */
export function queryTerms(query: string): string[] {
  const terms = [normalizeSearchText(query), normalizeSearchText(query.replace(/[.,]/g, ' '))];
  return [...new Set(terms.filter((term) => term.length >= 2))];
}
