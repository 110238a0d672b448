import { normalizePhone } from '../../src/identity/normalize-phone';

describe('normalizePhone', () => {
  it('writes a national number in E.164 using the default region', () => {
    expect(normalizePhone('020 7946 0958')).toBe('+442079460958');
    expect(normalizePhone('07911 123456', { defaultRegion: 'GB' })).toBe('+447911123456');
    expect(normalizePhone('(202) 555-0143', { defaultRegion: 'US' })).toBe('+12025550143');
  });

  it('gives national, international and 00-prefixed forms of one number the same key', () => {
    const forms = ['07911 123456', '+44 7911 123456', '0044 7911 123456', '+447911123456', '+44 (0)7911-123456'];
    expect(new Set(forms.map((form) => normalizePhone(form)))).toEqual(new Set(['+447911123456']));
  });

  it('keeps an explicit country code over the default region', () => {
    expect(normalizePhone('+1 202 555 0143', { defaultRegion: 'GB' })).toBe('+12025550143');
  });

  it('makes no key from an invalid or empty number', () => {
    expect(normalizePhone('12')).toBeNull();
    expect(normalizePhone('not a phone')).toBeNull();
    expect(normalizePhone('')).toBeNull();
    expect(normalizePhone(undefined)).toBeNull();
    // A US number read as British is not a valid GB number.
    expect(normalizePhone('(415) 555-2671', { defaultRegion: 'GB' })).toBeNull();
  });

  it('accepts a merely possible number when configured so', () => {
    expect(normalizePhone('07700 900123', { strictness: 'valid' })).toBeNull();
    expect(normalizePhone('07700 900123', { strictness: 'possible' })).toBe('+447700900123');
  });
});
