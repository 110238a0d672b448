import { fromAtCapture } from '../../src/consent/from-at-capture';
import type { ConsentEventDoc, ConsentStatus, PreferenceValues } from '../../src/consent/consent-model';
import { consentEvent } from './support/consent-event';

const today = new Date('2026-03-10T12:00:00Z');

/** An event as stored, recorded today: `from` is what the writer saw when it recorded the event. */
function storedEvent(seq: number, from: ConsentStatus, to: ConsentStatus, capturedAt: string, contactPoint: string | null = null): ConsentEventDoc {
  return consentEvent(seq, to, capturedAt, { from, contactPoint, recordedAt: today });
}

function preferenceEvent(seq: number, from: PreferenceValues, to: PreferenceValues, capturedAt: string): ConsentEventDoc {
  return { ...storedEvent(seq, 'UNKNOWN', 'UNKNOWN', capturedAt), kind: 'PREFERENCE', consent: null, preferences: { from, to } };
}

describe('fromAtCapture', () => {
  it('gives an event captured on 15 January but recorded today the state in force on 15 January as its from', () => {
    const events = [
      storedEvent(1, 'UNKNOWN', 'GRANTED', '2026-01-01T09:00:00Z'),
      storedEvent(2, 'GRANTED', 'DENIED', '2026-02-01T09:00:00Z'),
      storedEvent(3, 'DENIED', 'DENIED', '2026-01-15T09:00:00Z'), // recorded after event 2: the writer saw DENIED
    ];
    const derived = fromAtCapture(events);
    expect(derived.map((event) => [event.seq, event.consent!.from, event.consent!.to])).toEqual([
      [1, 'UNKNOWN', 'GRANTED'],
      [2, 'DENIED', 'DENIED'], // on 1 February the 15 January denial was in force
      [3, 'GRANTED', 'DENIED'],
    ]);
    expect(derived.map((event) => event.recordedAt)).toEqual([today, today, today]);
  });

  it('orders equal capture times by log position, as the fold does, and keeps keys apart', () => {
    const events = [
      storedEvent(1, 'UNKNOWN', 'GRANTED', '2026-01-01T09:00:00Z'),
      storedEvent(2, 'GRANTED', 'DENIED', '2026-01-01T09:00:00Z'),
      storedEvent(3, 'UNKNOWN', 'PENDING', '2026-01-01T09:00:00Z', 'a@example.com'),
    ];
    expect(fromAtCapture(events).map((event) => event.consent!.from)).toEqual(['UNKNOWN', 'GRANTED', 'UNKNOWN']);
  });

  it('derives preference values likewise, field by field, only for the fields an event changes', () => {
    const events = [
      preferenceEvent(1, {}, { frequency: 'WEEKLY', language: 'en-GB' }, '2026-01-01T09:00:00Z'),
      preferenceEvent(2, { frequency: 'WEEKLY' }, { frequency: 'MONTHLY' }, '2026-02-01T09:00:00Z'),
      preferenceEvent(3, { frequency: 'MONTHLY' }, { frequency: 'DAILY' }, '2026-01-15T09:00:00Z'),
    ];
    expect(fromAtCapture(events).map((event) => event.preferences!.from)).toEqual([{}, { frequency: 'DAILY' }, { frequency: 'WEEKLY' }]);
  });

  it('leaves the stored events untouched', () => {
    const events = [storedEvent(1, 'UNKNOWN', 'GRANTED', '2026-02-01T09:00:00Z'), storedEvent(2, 'GRANTED', 'DENIED', '2026-01-01T09:00:00Z')];
    fromAtCapture(events);
    expect(events[1]!.consent!.from).toBe('GRANTED');
  });
});
