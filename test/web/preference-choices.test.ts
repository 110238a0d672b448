import { changedPreferenceFields, choiceOf, consentChanges, controlKey, type HeldConsent } from '../../web/src/preferences/choices';
import { messagesFor, supportedLanguage } from '../../web/src/preferences/messages';

const consent = (channel: string, purpose: string, status: string, contactPoint: string | null = null): HeldConsent => ({ channel, purpose, status, contactPoint }) as HeldConsent;

describe('what the preference centre records for what the person ticked', () => {
  const held = [
    consent('EMAIL', 'MARKETING', 'GRANTED'),
    consent('EMAIL', 'MARKETING', 'GRANTED', 'ann@example.com'),
    consent('EMAIL', 'MARKETING', 'DENIED', 'old@example.com'),
    consent('SMS', 'MARKETING', 'DENIED'),
    consent('PUSH', 'SERVICE', 'PENDING'),
  ];
  const doubleOptIn = new Set(['EMAIL']);

  it('records nothing for a control ticked back to what is held', () => {
    const ticked = new Map([[controlKey('EMAIL', 'MARKETING'), true], [controlKey('SMS', 'MARKETING'), false], [controlKey('PUSH', 'SERVICE'), true]]);
    expect(consentChanges(held, ticked, doubleOptIn)).toEqual([]);
  });

  it('turns a channel off everywhere: the channel-wide consent and each address still allowed on its own', () => {
    expect(consentChanges(held, new Map([[controlKey('EMAIL', 'MARKETING'), false]]), doubleOptIn)).toEqual([
      { channel: 'EMAIL', purpose: 'MARKETING', contactPoint: null, status: 'DENIED' },
      { channel: 'EMAIL', purpose: 'MARKETING', contactPoint: 'ann@example.com', status: 'DENIED' },
    ]);
  });

  it('grants a channel at once, or PENDING where the vocabulary asks for a double opt-in', () => {
    const ticked = new Map([[controlKey('SMS', 'MARKETING'), true], [controlKey('EMAIL', 'SERVICE'), true]]);
    expect(consentChanges(held, ticked, doubleOptIn)).toEqual([
      { channel: 'SMS', purpose: 'MARKETING', contactPoint: null, status: 'GRANTED' },
      { channel: 'EMAIL', purpose: 'SERVICE', contactPoint: null, status: 'PENDING' },
    ]);
  });

  it('changes a preference only when the person chose a value other than the one held, topics as a set', () => {
    const before = choiceOf({ topics: ['OFFERS', 'EVENTS'], frequency: 'WEEKLY', preferredChannel: null, language: null });
    expect(changedPreferenceFields(before, { ...before, topics: ['EVENTS', 'OFFERS'] })).toEqual([]);
    expect(changedPreferenceFields(before, { ...before, topics: ['EVENTS'], frequency: 'DAILY', preferredChannel: '' })).toEqual(['topics', 'frequency']);
    expect(changedPreferenceFields(before, { ...before, language: 'de' })).toEqual(['language']);
  });
});

describe('the preference centre\'s languages', () => {
  it('takes the first language it is written in, by primary subtag', () => {
    expect(supportedLanguage(['fr-FR', 'de-AT', 'en'])).toBe('de');
    expect(supportedLanguage([null, 'EN-gb'])).toBe('en');
    expect(supportedLanguage(['fr', undefined])).toBeNull();
  });

  it('has every string in every language, and words for every channel and purpose of the default vocabulary', () => {
    const shape = (value: unknown): unknown =>
      value && typeof value === 'object' ? Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, shape(inner)])) : typeof value;
    expect(shape(messagesFor('de'))).toEqual(shape(messagesFor('en')));
    for (const language of ['en', 'de'] as const) {
      const m = messagesFor(language);
      for (const channel of ['EMAIL', 'SMS', 'PHONE', 'POSTAL', 'PUSH']) {
        for (const purpose of ['MARKETING', 'SERVICE', 'PROFILING', 'THIRD_PARTY']) {
          const label = m.purpose(purpose).label(m.channel(channel));
          expect(label).not.toContain(purpose); // not the fallback, which names the purpose
          expect(label).not.toMatch(/EMAIL|PHONE|POSTAL|PUSH|_/);
        }
      }
    }
    expect(messagesFor('de').purpose('MARKETING').off(messagesFor('de').channel('EMAIL'))).toBe('Sie erhalten keine Werbung per E-Mail mehr');
  });
});
