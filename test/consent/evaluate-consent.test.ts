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
    expect(eligibilityOf(null, 'EMAIL', 'MARKETING', null, at)).toEqual({ allowed: false, reason: 'UNKNOWN_CUSTOMER', excludedContactPoints: [] });
    expect(eligibilityOf(null, 'EMAIL', 'MARKETING', 'a@example.com', at)).toEqual({ allowed: false, reason: 'UNKNOWN_CUSTOMER', excludedContactPoints: null });
    expect(eligibilityOf({ consents: [entry({ purpose: 'SERVICE' })] }, 'EMAIL', 'MARKETING', null, at)).toEqual({
      allowed: false,
      reason: 'NO_CONSENT',
      excludedContactPoints: [],
    });
    expect(eligibilityOf({ consents: [entry({ status: 'UNKNOWN' })] }, 'EMAIL', 'MARKETING', null, at).reason).toBe('NO_CONSENT');
  });

  it('lets the contact-point consent win over the channel-wide one, whichever was captured later', () => {
    const grantForAddress = entry({ key: 'a', contactPoint: 'a@example.com', capturedAt: new Date('2026-03-01T00:00:00Z'), seq: 1 });
    const deniedChannelWide = entry({ key: 'all', status: 'DENIED', capturedAt: new Date('2026-03-02T00:00:00Z'), seq: 2 });
    const deniedForOther = entry({ key: 'b', contactPoint: 'b@example.com', status: 'DENIED', capturedAt: new Date('2026-02-01T00:00:00Z'), seq: 3 });
    const state = { consents: [grantForAddress, deniedChannelWide, deniedForOther] };
    expect(eligibilityOf(state, 'EMAIL', 'MARKETING', 'a@example.com', at)).toMatchObject({ allowed: true, reason: 'GRANTED' });
    const granted = { consents: [{ ...deniedChannelWide, status: 'GRANTED' as const }, deniedForOther] };
    expect(eligibilityOf(granted, 'EMAIL', 'MARKETING', 'b@example.com', at)).toMatchObject({ allowed: false, reason: 'DENIED' });
  });
});

describe('eligibility of a contact point the customer may not hold', () => {
  const grantedChannelWide = entry({ key: 'all', seq: 1 });
  const deniedForOwnAddress = entry({ key: 'b', contactPoint: 'b@example.com', status: 'DENIED', seq: 2 });
  const state = { consents: [grantedChannelWide, deniedForOwnAddress] };

  it('never allows a contact point the customer is not known to hold, whatever the channel-wide consent says', () => {
    expect(eligibilityOf(state, 'EMAIL', 'MARKETING', 'stranger@example.com', at)).toEqual({
      allowed: false,
      reason: 'UNKNOWN_CONTACT_POINT',
      excludedContactPoints: null,
    });
  });

  it('answers a contact point the identity graph gives the customer from the channel-wide consent', () => {
    expect(eligibilityOf(state, 'EMAIL', 'MARKETING', 'a@example.com', at, true)).toEqual({ allowed: true, reason: 'GRANTED', excludedContactPoints: null });
  });

  it('knows a contact point from the customer\'s own consent for it, without the identity graph', () => {
    expect(eligibilityOf(state, 'EMAIL', 'MARKETING', 'b@example.com', at)).toEqual({ allowed: false, reason: 'DENIED', excludedContactPoints: null });
  });

  it('answers a question without a contact point for the channel and lists the contact points excluded', () => {
    const lapsed = entry({ key: 'd', contactPoint: 'd@example.com', expiresAt: new Date('2026-03-02T00:00:00Z'), seq: 3 });
    const grantedForOwn = entry({ key: 'c', contactPoint: 'c@example.com', seq: 4 });
    const otherPurpose = entry({ key: 'e', contactPoint: 'e@example.com', purpose: 'SERVICE', status: 'DENIED', seq: 5 });
    const answer = eligibilityOf({ consents: [...state.consents, lapsed, grantedForOwn, otherPurpose] }, 'EMAIL', 'MARKETING', null, at);
    expect(answer).toEqual({ allowed: true, reason: 'GRANTED', excludedContactPoints: ['b@example.com', 'd@example.com'] });
  });
});
