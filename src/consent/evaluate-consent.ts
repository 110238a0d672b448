import type { ConsentEntry, ConsentStateDoc, EffectiveConsentStatus } from './consent-model';

/** Why a customer may or may not be contacted. */
export type EligibilityReason = 'GRANTED' | 'DENIED' | 'EXPIRED' | 'PENDING' | 'NO_CONSENT' | 'UNKNOWN_CUSTOMER';

/** The status an entry reads as at `at`: GRANTED or PENDING past the expiry reads EXPIRED, never GRANTED. */
export function effectiveStatus(entry: Pick<ConsentEntry, 'status' | 'expiresAt'>, at: Date): EffectiveConsentStatus {
  const expired = entry.expiresAt !== null && entry.expiresAt.getTime() <= at.getTime();
  if (expired && (entry.status === 'GRANTED' || entry.status === 'PENDING')) return 'EXPIRED';
  return entry.status;
}

/**
 * The entry that decides contact on `channel` for `purpose` (at `contactPoint`, when
 * given): among the channel-wide entry and the one narrowed to that contact point,
 * the newest by capture time (ties: the later in the log). So "no email marketing at
 * all", said after a grant for one address, wins over it, and vice versa.
 */
export function decidingEntry(
  entries: readonly ConsentEntry[],
  channel: string,
  purpose: string,
  contactPoint: string | null,
): ConsentEntry | undefined {
  let best: ConsentEntry | undefined;
  for (const entry of entries) {
    if (entry.channel !== channel || entry.purpose !== purpose) continue;
    if (entry.contactPoint !== null && entry.contactPoint !== contactPoint) continue;
    const delta = best ? entry.capturedAt.getTime() - best.capturedAt.getTime() : 1;
    if (!best || delta > 0 || (delta === 0 && entry.seq > best.seq)) best = entry;
  }
  return best;
}

/** Whether a customer (its state document, or null when the store never heard of it) may be contacted. */
export function eligibilityOf(
  state: Pick<ConsentStateDoc, 'consents'> | null,
  channel: string,
  purpose: string,
  contactPoint: string | null,
  at: Date,
): { allowed: boolean; reason: EligibilityReason } {
  if (!state) return { allowed: false, reason: 'UNKNOWN_CUSTOMER' };
  const entry = decidingEntry(state.consents, channel, purpose, contactPoint);
  const status = entry ? effectiveStatus(entry, at) : 'UNKNOWN';
  if (status === 'GRANTED') return { allowed: true, reason: 'GRANTED' };
  return { allowed: false, reason: status === 'UNKNOWN' ? 'NO_CONSENT' : status };
}
