import { consentKey, eventIdOf, type ConsentEventDoc, type ConsentStatus } from '../../../src/consent/consent-model';

/** What a test may say about a stored consent event besides its position, status and capture time. */
export interface ConsentEventOptions {
  channel?: string;
  contactPoint?: string | null;
  /** The `from` stored at write. @default 'UNKNOWN' */
  from?: ConsentStatus;
  /** @default the capture time */
  recordedAt?: Date;
}

/** A stored EMAIL/MARKETING (or `channel`) consent event of customer `c` at log position `seq`, for pure tests of the fold and of history. */
export function consentEvent(seq: number, to: ConsentStatus, capturedAt: string, options: ConsentEventOptions = {}): ConsentEventDoc {
  const { channel = 'EMAIL', contactPoint = null, from = 'UNKNOWN', recordedAt = new Date(capturedAt) } = options;
  return {
    _id: eventIdOf('c', seq),
    customerId: 'c',
    seq,
    kind: 'CONSENT',
    consent: { key: consentKey(channel, 'MARKETING', contactPoint), channel, purpose: 'MARKETING', contactPoint, from, to, expiresAt: null },
    preferences: null,
    capturedAt: new Date(capturedAt),
    recordedAt,
    source: { system: 'crm', recordId: String(seq) },
    actor: { kind: 'SYSTEM', id: 'x' },
    method: 'IMPORT',
    legalBasis: null,
    evidence: null,
    idempotencyKey: `k${seq}`,
    payloadHash: 'h',
    current: true,
  };
}
