import { compareWithSourceFlags } from '../../src/consent/compare-with-source-flags';
import type { ConsentEntry } from '../../src/consent/consent-model';

const at = new Date('2026-03-03T12:00:00Z');
const entry = (overrides: Partial<ConsentEntry>): ConsentEntry => ({
  key: 'k',
  channel: 'EMAIL',
  purpose: 'MARKETING',
  contactPoint: null,
  status: 'GRANTED',
  capturedAt: new Date('2026-03-01T00:00:00Z'),
  expiresAt: null,
  source: { system: 'crm', recordId: '1' },
  seq: 1,
  eventId: 'c#1',
  ...overrides,
});

describe('compareWithSourceFlags', () => {
  it('reports a source that still believes an old grant after the customer withdrew it', () => {
    const state = { consents: [entry({ status: 'DENIED' })] };
    expect(compareWithSourceFlags(state, [{ channel: 'EMAIL', purpose: 'MARKETING', status: 'GRANTED' }], at)).toEqual([
      { channel: 'EMAIL', purpose: 'MARKETING', contactPoint: null, sourceStatus: 'GRANTED', storeStatus: 'DENIED' },
    ]);
  });

  it('reports a grant the source holds but that has lapsed in the store', () => {
    const state = { consents: [entry({ expiresAt: new Date('2026-03-02T00:00:00Z') })] };
    expect(compareWithSourceFlags(state, [{ channel: 'EMAIL', purpose: 'MARKETING', status: 'GRANTED' }], at)).toMatchObject([
      { storeStatus: 'EXPIRED' },
    ]);
  });

  it('reports a denial at the source for what the store holds as granted, and nothing when both agree', () => {
    const state = { consents: [entry({}), entry({ key: 'k2', channel: 'SMS', status: 'DENIED' })] };
    const drift = compareWithSourceFlags(
      state,
      [
        { channel: 'EMAIL', purpose: 'MARKETING', status: 'DENIED' },
        { channel: 'SMS', purpose: 'MARKETING', status: 'DENIED' },
        { channel: 'SMS', purpose: 'MARKETING', status: 'UNKNOWN' }, // not allowed either way: no drift
      ],
      at,
    );
    expect(drift).toEqual([{ channel: 'EMAIL', purpose: 'MARKETING', contactPoint: null, sourceStatus: 'DENIED', storeStatus: 'GRANTED' }]);
  });

  it('treats a source grant for a customer the store knows nothing of as drift', () => {
    expect(compareWithSourceFlags(null, [{ channel: 'EMAIL', purpose: 'MARKETING', status: 'GRANTED', contactPoint: 'a@example.com' }], at)).toEqual([
      { channel: 'EMAIL', purpose: 'MARKETING', contactPoint: 'a@example.com', sourceStatus: 'GRANTED', storeStatus: 'UNKNOWN' },
    ]);
  });
});
