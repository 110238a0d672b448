import { changeAuthorOf } from '../../src/access/change-author';
import type { Principal } from '../../src/access/principal';
import { defaultConsentVocabulary } from '../../src/consent/consent-vocabulary';
import { validateConsentChanges, validateEvidence, validatePreferenceChanges, type ValidationContext } from '../../src/consent/validate-changes';
import { consentChange } from './support/consent-change';

const customer: Principal = { id: 'customer:cust-1', kind: 'customer', name: 'preference-centre link', roles: ['customer'], customerId: 'cust-1' };
const app: Principal = { id: 'key:app-1', kind: 'api-key', name: 'crm sync', roles: ['internal-app'] };
const seen = { ip: '198.51.100.4', userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Chrome/140' };

function context(principal?: Principal): ValidationContext {
  return {
    vocabulary: defaultConsentVocabulary,
    now: new Date(),
    clockSkewMs: 300_000,
    maxBatchSize: 10,
    author: principal ? changeAuthorOf(principal, seen) : undefined,
  };
}

describe('the evidence a change is recorded with', () => {
  it("keeps the IP address and user agent the gateway saw for a customer's own change, whatever the browser sent", () => {
    const [change] = validateConsentChanges([consentChange({ channel: 'SMS', actor: null })], context(customer));
    expect(change!.evidence).toEqual({ noticeVersion: 'v3', textShown: 'Send me offers', ip: seen.ip, userAgent: seen.userAgent });
    expect(change!.actor).toEqual({ kind: 'CUSTOMER', id: 'cust-1' });
  });

  it('gives a customer\'s change without evidence the observed IP address and user agent', () => {
    const [change] = validatePreferenceChanges([{ ...consentChange({ actor: null, evidence: null }), frequency: 'WEEKLY' }], context(customer));
    expect(change!.evidence).toEqual({ noticeVersion: null, textShown: null, ip: seen.ip, userAgent: seen.userAgent });
  });

  it('refuses a customer\'s own grant on a channel that asks for a double opt-in, naming the status; PENDING and staff grants pass', () => {
    expect(() => validateConsentChanges([consentChange({ actor: null })], context(customer))).toThrow(/changes\[0\]\.status: cannot be GRANTED by the customer on EMAIL/);
    expect(validateConsentChanges([consentChange({ actor: null, status: 'PENDING' })], context(customer))[0]!.consent!.to).toBe('PENDING');
    expect(validateConsentChanges([consentChange()], context(app))[0]!.consent!.to).toBe('GRANTED');
  });

  it('does not check what a customer\'s browser says of its own address: it is not kept', () => {
    expect(() => validateConsentChanges([consentChange({ channel: 'SMS', actor: null, evidence: { ip: 'not an address' } })], context(customer))).not.toThrow();
  });

  it('keeps what staff and systems send: they record the person\'s evidence, not their own request\'s', () => {
    expect(changeAuthorOf(app, seen).observed).toBeUndefined();
    const [change] = validateConsentChanges([consentChange()], context(app));
    expect(change!.evidence).toMatchObject({ ip: '203.0.113.9', userAgent: 'test' });
  });

  it('hashes the payload without the observed request, so a retry from another network replays rather than conflicts', () => {
    const sent = consentChange({ channel: 'SMS', actor: null, idempotencyKey: 'k' }); // one change, sent twice
    const first = validateConsentChanges([sent], context(customer));
    const author = { ...changeAuthorOf(customer, { ip: '192.0.2.1', userAgent: 'other' }) };
    const retry = validateConsentChanges([sent], { ...context(customer), author });
    expect(retry[0]!.payloadHash).toBe(first[0]!.payloadHash);
    expect(retry[0]!.evidence!.ip).toBe('192.0.2.1');
  });

  it('keeps the locale of the text shown in its canonical form, and only when given', () => {
    const [withLocale] = validateConsentChanges([consentChange({ evidence: { textShown: 'Ja', locale: 'de-de' } })], context());
    expect(withLocale!.evidence!.locale).toBe('de-DE');
    const [without] = validateConsentChanges([consentChange()], context());
    expect(without!.evidence).not.toHaveProperty('locale');
  });

  it('refuses a locale that is not a BCP 47 tag, naming the field', () => {
    expect(() => validateConsentChanges([consentChange({ evidence: { locale: 'not a tag!' } })], context())).toThrow(
      /changes\[0\]\.evidence\.locale: must be a BCP 47 language tag/,
    );
    expect(() => validateEvidence({ locale: '??' }, 'evidence')).toThrow(/evidence\.locale: must be a BCP 47 language tag/);
  });

  it("checks a double opt-in confirmation's evidence and fills in the customer's request", () => {
    expect(validateEvidence({ noticeVersion: 'n1', textShown: 'Confirm', locale: 'en-gb', ip: '203.0.113.1' }, 'evidence', seen)).toEqual({
      noticeVersion: 'n1',
      textShown: 'Confirm',
      ip: seen.ip,
      userAgent: seen.userAgent,
      locale: 'en-GB',
    });
    expect(() => validateEvidence({ ip: 'nowhere' }, 'evidence')).toThrow(/evidence\.ip: must be an IPv4 or IPv6 address/);
    expect(validateEvidence(null, 'evidence')).toBeNull();
  });
});
