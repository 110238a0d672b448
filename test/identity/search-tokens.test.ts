import { nameSearchTokens, normalizeSearchText } from '../../src/identity/search-tokens';

describe('nameSearchTokens', () => {
  it('indexes "given family" and "family given", lower-cased and without accents', () => {
    expect(nameSearchTokens('Zoë', "  O'Brien ")).toEqual(["zoe o'brien", "o'brien zoe"]);
  });

  it('indexes a lone name once and makes no token without a name', () => {
    expect(nameSearchTokens(undefined, 'Müller')).toEqual(['muller']);
    expect(nameSearchTokens(' ', undefined)).toEqual([]);
  });

  it('strips the separator of search ids from the text', () => {
    expect(normalizeSearchText('a|b')).toBe('a b');
  });
});
