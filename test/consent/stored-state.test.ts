import { fromStoredState, toStoredState } from '../../src/consent/stored-state';
import type { ConsentStateDoc } from '../../src/consent/consent-model';

const state: ConsentStateDoc = {
  _id: 'cus_1',
  seq: 3,
  consents: [
    {
      key: 'EMAIL|MARKETING|',
      channel: 'EMAIL',
      purpose: 'MARKETING',
      contactPoint: null,
      status: 'GRANTED',
      capturedAt: new Date('2026-01-15T09:00:00Z'),
      expiresAt: new Date('2027-01-15T09:00:00Z'),
      source: { system: 'crm', recordId: 'r-1' },
      seq: 2,
      eventId: 'cus_1#0000000002',
    },
  ],
  preferences: { language: { value: 'en-GB', capturedAt: new Date('2026-02-01T00:00:00Z'), seq: 3, eventId: 'cus_1#0000000003' } },
};

describe('a consent state in its stored form', () => {
  it('is two JSON strings beside the id and position, and reads back equal, dates as dates', () => {
    const stored = toStoredState(state);
    expect(typeof stored.consents).toBe('string');
    expect(typeof stored.preferences).toBe('string');
    expect(fromStoredState(stored)).toEqual(state);
    expect(fromStoredState(stored).consents[0]!.capturedAt).toBeInstanceOf(Date);
  });

  it('reads a state stored by an earlier version, as arrays and objects', () => {
    expect(fromStoredState({ ...state })).toEqual(state);
  });

  it('keeps a string value that looks like a date as a string unless it is a date field', () => {
    const language = { value: '2026-02-01T00:00:00.000Z', capturedAt: new Date('2026-02-01T00:00:00Z'), seq: 1, eventId: 'e' };
    expect(fromStoredState(toStoredState({ ...state, preferences: { language } })).preferences.language).toEqual(language);
  });
});
