import { effectiveStatus, eligibilityOf } from '../../src/consent/evaluate-consent';
import type { ConsentEntry } from '../../src/consent/consent-model';

const at = new Date('2026-03-03T12:00:00Z');
function entry(overrides: Partial<ConsentEntry>): ConsentEntry {
  return {
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
  };
}

describe('effectiveStatus and eligibilityOf', () => {
  it.each([
    ['GRANTED', null, 'GRANTED'],
    ['GRANTED', '2026-03-03T11:59:59Z', 'EXPIRED'],
    ['GRANTED', '2026-03-03T12:00:00Z', 'EXPIRED'],
    ['GRANTED', '2026-03-03T12:00:01Z', 'GRANTED'],
    ['PENDING', '2026-03-02T00:00:00Z', 'EXPIRED'],
    ['DENIED', '2026-03-02T00:00:00Z', 'DENIED'],
  ] as const)('reads %s expiring at %s as %s', (status, expiresAt, expected) => {
    expect(effectiveStatus({ status, expiresAt: expiresAt ? new Date(expiresAt) : null }, at)).toBe(expected);
  });

  it('answers UNKNOWN_CUSTOMER without a state and NO_CONSENT without an entry', () => {
    expect(eligibilityOf(null, 'EMAIL', 'MARKETING', null, at)).toEqual({ allowed: false, reason: 'UNKNOWN_CUSTOMER' });
    expect(eligibilityOf({ consents: [entry({ purpose: 'SERVICE' })] }, 'EMAIL', 'MARKETING', null, at)).toEqual({ allowed: false, reason: 'NO_CONSENT' });
    expect(eligibilityOf({ consents: [entry({ status: 'UNKNOWN' })] }, 'EMAIL', 'MARKETING', null, at).reason).toBe('NO_CONSENT');
  });

  it('lets the newest of the channel-wide and the contact-point entry decide', () => {
    const grantForAddress = entry({ contactPoint: 'a@example.com', capturedAt: new Date('2026-03-02T00:00:00Z'), seq: 2 });
    const deniedChannelWide = entry({ status: 'DENIED', capturedAt: new Date('2026-03-01T00:00:00Z') });
    const state = { consents: [deniedChannelWide, grantForAddress] };
    expect(eligibilityOf(state, 'EMAIL', 'MARKETING', 'a@example.com', at)).toEqual({ allowed: true, reason: 'GRANTED' });
    expect(eligibilityOf(state, 'EMAIL', 'MARKETING', 'b@example.com', at)).toEqual({ allowed: false, reason: 'DENIED' });
    expect(eligibilityOf(state, 'EMAIL', 'MARKETING', null, at)).toEqual({ allowed: false, reason: 'DENIED' });
  });
});
