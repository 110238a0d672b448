import { emailLocalPartTerms, nameSearchTokens, normalizeSearchText, queryTerms, surnameInitialTerms } from '../../src/identity/search-tokens';

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

describe('emailLocalPartTerms', () => {
  it('takes the local part of each address, as the email key normalises it', () => {
    expect(emailLocalPartTerms([' James.Murphy@Example.com', 'jm@work.example', 'not an address'])).toEqual(['james.murphy', 'jm']);
  });

  it('skips a local part of one character and repeats none', () => {
    expect(emailLocalPartTerms(['j@example.com', 'ann@a.example', 'Ann@b.example'])).toEqual(['ann']);
    expect(emailLocalPartTerms(undefined)).toEqual([]);
  });
});

describe('surnameInitialTerms', () => {
  it('pairs every tail of the surname with the initial, both ways round', () => {
    expect(surnameInitialTerms('Jan', 'de Vries')).toEqual(['de vries j', 'j de vries', 'vries j', 'j vries']);
  });

  it('makes nothing without both a given name and a surname', () => {
    expect(surnameInitialTerms(undefined, 'Murphy')).toEqual([]);
    expect(surnameInitialTerms('James', ' ')).toEqual([]);
  });

  it('uses the first letter of the given name, without accents', () => {
    expect(surnameInitialTerms('Élodie', "O'Brien")).toEqual(["o'brien e", "e o'brien"]);
  });
});

describe('queryTerms', () => {
  it('reads a query as a local part and as a surname with an initial, dots and commas as spaces', () => {
    expect(queryTerms(' James.Murphy ')).toEqual(['james.murphy', 'james murphy']);
    expect(queryTerms('Vries, J.')).toEqual(['vries, j.', 'vries j']);
    expect(queryTerms('vries j')).toEqual(['vries j']);
  });
});
