import { emptyConsentState, foldConsentEvents } from '../../src/consent/fold-consent-events';
import { consentEvent as event } from './support/consent-event';

describe('foldConsentEvents', () => {
  it('lets the newest capture win per key, whatever the log order', () => {
    const state = foldConsentEvents(emptyConsentState('c'), [
      event(1, 'DENIED', '2026-03-03T10:00:00Z'),
      event(2, 'GRANTED', '2026-03-01T10:00:00Z'), // arrived late: history only
      event(3, 'GRANTED', '2026-03-02T10:00:00Z', { channel: 'SMS' }),
    ]);
    expect(state.seq).toBe(3);
    expect(state.consents.map((entry) => [entry.channel, entry.status, entry.seq])).toEqual([
      ['EMAIL', 'DENIED', 1],
      ['SMS', 'GRANTED', 3],
    ]);
  });

  it('breaks a tie in capture time by the later log position', () => {
    const state = foldConsentEvents(emptyConsentState('c'), [
      event(1, 'GRANTED', '2026-03-03T10:00:00Z'),
      event(2, 'DENIED', '2026-03-03T10:00:00Z'),
    ]);
    expect(state.consents[0]!.status).toBe('DENIED');
  });

  it('gives the same state folded in one go or step by step (a reader healing a tail)', () => {
    const events = [event(1, 'GRANTED', '2026-03-02T00:00:00Z'), event(2, 'DENIED', '2026-03-01T00:00:00Z'), event(3, 'UNKNOWN', '2026-03-04T00:00:00Z')];
    const stepwise = events.reduce((state, next) => foldConsentEvents(state, [next]), emptyConsentState('c'));
    expect(stepwise).toEqual(foldConsentEvents(emptyConsentState('c'), events));
  });

  it('refuses events that do not continue the log', () => {
    expect(() => foldConsentEvents(emptyConsentState('c'), [event(2, 'GRANTED', '2026-03-01T00:00:00Z')])).toThrow(/expected seq 1/);
  });
});
