import { defaultConsentVocabulary, validateConsentVocabulary } from '../../src/consent/consent-vocabulary';
import { normaliseContactPoint } from '../../src/consent/contact-point';

describe('consent vocabulary and contact points', () => {
  it('accepts the default vocabulary and freezes what it returns', () => {
    const vocabulary = validateConsentVocabulary(defaultConsentVocabulary);
    expect(vocabulary.channels.map((channel) => channel.name)).toEqual(['EMAIL', 'SMS', 'PHONE', 'POSTAL', 'PUSH']);
    expect(Object.isFrozen(vocabulary.purposes)).toBe(true);
  });

  it('asks for a double opt-in on email only, by default', () => {
    const vocabulary = validateConsentVocabulary(defaultConsentVocabulary);
    expect(vocabulary.channels.filter((channel) => channel.doubleOptIn).map((channel) => channel.name)).toEqual(['EMAIL']);
  });

  it.each([
    ['a doubleOptIn that is not a boolean', { ...defaultConsentVocabulary, channels: [{ name: 'EMAIL', contactPoint: 'email' as const, doubleOptIn: 'yes' as unknown as boolean }] }, /doubleOptIn yes; expected true or false/],
    ['an empty list', { ...defaultConsentVocabulary, purposes: [] }, /purposes must name at least one/],
    ['a malformed name', { ...defaultConsentVocabulary, topics: ['news letter'] }, /upper-case identifier/],
    ['a duplicate', { ...defaultConsentVocabulary, purposes: ['MARKETING', 'MARKETING'] }, /names MARKETING twice/],
  ])('refuses %s at start', (_what, vocabulary, message) => {
    expect(() => validateConsentVocabulary(vocabulary)).toThrow(message);
  });

  it.each([
    ['email', '  Ann.Lee@Example.COM ', 'ann.lee@example.com'],
    ['email', 'no-at-sign', null],
    ['phone', '+44 7911 123456', '+447911123456'],
    ['phone', '07911 123456', null], // no country prefix: ambiguous, refused
    ['phone', '0044 7911 123456', '+447911123456'], // the international 00 prefix, as the identity key reads it
    ['phone', '+44 (0)7911-123-456', '+447911123456'],
    ['phone', '+1 415 555 2671', '+14155552671'],
    ['opaque', ' device-token-1 ', 'device-token-1'],
    ['opaque', '   ', null],
  ] as const)('normalises a %s contact point %j to %j', (kind, value, expected) => {
    expect(normaliseContactPoint(kind, value)).toBe(expected);
  });
});
