import type { ConsentChangeInput } from '../../../src/consent/consent-inputs';

/** A valid consent change with sensible defaults; override what the test is about. */
export function consentChange(overrides: Partial<ConsentChangeInput> = {}): ConsentChangeInput {
  return {
    customerId: 'cust-1',
    channel: 'EMAIL',
    purpose: 'MARKETING',
    status: 'GRANTED',
    capturedAt: new Date(Date.now() - 60_000),
    source: { system: 'crm', recordId: 'rec-1' },
    actor: { kind: 'CUSTOMER', id: 'cust-1' },
    method: 'WEB_FORM',
    legalBasis: 'CONSENT',
    evidence: { noticeVersion: 'v3', textShown: 'Send me offers', ip: '203.0.113.9', userAgent: 'test' },
    ...overrides,
  };
}
