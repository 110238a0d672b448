import { normalizeEmail } from '../../src/identity/normalize-email';

describe('normalizeEmail', () => {
  it('trims and lower-cases an address', () => {
    expect(normalizeEmail('  Jane.Doe@Example.COM ')).toBe('jane.doe@example.com');
  });

  it('makes no key from a value that is not an address', () => {
    for (const raw of ['', '   ', 'n/a', 'jane@', '@example.com', 'jane doe@example.com', 'jane@localhost']) {
      expect(normalizeEmail(raw)).toBeNull();
    }
    expect(normalizeEmail(undefined)).toBeNull();
    expect(normalizeEmail(null)).toBeNull();
  });
});
