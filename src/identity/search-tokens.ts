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
