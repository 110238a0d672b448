import type { ConsentChangeInput } from '../../../src/consent/consent-inputs';
import type { ConsentStatus } from '../../../src/consent/consent-model';

const channels = ['EMAIL', 'SMS'] as const;
const purposes = ['MARKETING', 'SERVICE'] as const;
const statuses: ConsentStatus[] = ['GRANTED', 'DENIED', 'GRANTED', 'UNKNOWN'];

/** Fixed origin of random capture times, an hour before the suite runs (never in the future). */
export const randomEpoch = Date.parse('2026-01-01T00:00:00Z');

/**
 * A random but valid consent change over a small key space (2 channels x 2 purposes,
 * with or without a contact point), so that keys collide often. Capture times are in
 * whole seconds over a few hours, so equal capture times (tie broken by seq) happen too.
 */
export function randomConsentChange(
  random: () => number,
  { customerId, idempotencyKey, system = 'crm' }: { customerId: string; idempotencyKey?: string; system?: string },
): ConsentChangeInput {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const channel = pick(channels);
  const capturedAt = new Date(randomEpoch + Math.floor(random() * 4 * 3600) * 1000);
  const withExpiry = random() < 0.3;
  return {
    customerId,
    channel,
    purpose: pick(purposes),
    contactPoint: random() < 0.5 ? null : channel === 'EMAIL' ? 'ann@example.com' : '+447911123456',
    status: pick(statuses),
    capturedAt,
    expiresAt: withExpiry ? new Date(capturedAt.getTime() + Math.floor(random() * 3600) * 1000 + 1000) : null,
    source: { system, recordId: `r-${Math.floor(random() * 1e6)}` },
    actor: { kind: 'SYSTEM', id: system },
    method: 'API', // not IMPORT: imports get no outbox rows
    legalBasis: 'CONSENT',
    idempotencyKey,
  };
}
