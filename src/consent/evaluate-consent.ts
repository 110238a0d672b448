import type { ConsentEntry, ConsentStateDoc, EffectiveConsentStatus } from './consent-model';

/** Why a customer may or may not be contacted. */
export type EligibilityReason = 'GRANTED' | 'DENIED' | 'EXPIRED' | 'PENDING' | 'NO_CONSENT' | 'UNKNOWN_CUSTOMER' | 'UNKNOWN_CONTACT_POINT';

/** One customer's eligibility for one channel and purpose. */
export interface Eligibility {
  allowed: boolean;
  reason: EligibilityReason;
  /**
   * For a question about the whole channel: the customer's contact points whose own
   * consent does not allow contact, sorted. Null for a question about one contact point.
   */
  excludedContactPoints: string[] | null;
}

/** The status an entry reads as at `at`: GRANTED or PENDING past the expiry reads EXPIRED, never GRANTED. */
export function effectiveStatus(entry: Pick<ConsentEntry, 'status' | 'expiresAt'>, at: Date): EffectiveConsentStatus {
  const expired = entry.expiresAt !== null && entry.expiresAt.getTime() <= at.getTime();
  if (expired && (entry.status === 'GRANTED' || entry.status === 'PENDING')) return 'EXPIRED';
  return entry.status;
}

/**
 * The entry that decides contact on `channel` for `purpose` (at `contactPoint`, when
 * given): the most specific one. The entry narrowed to that contact point wins over the
 * channel-wide entry whenever it exists, whichever was captured later: "not at my work
 * address" stays in force when the person later grants email marketing in general, and
 * a grant for one address is not undone by a channel-wide answer about the others.
 */
export function decidingEntry(
  entries: readonly ConsentEntry[],
  channel: string,
  purpose: string,
  contactPoint: string | null,
): ConsentEntry | undefined {
  let channelWide: ConsentEntry | undefined;
  for (const entry of entries) {
    if (entry.channel !== channel || entry.purpose !== purpose) continue;
    if (contactPoint !== null && entry.contactPoint === contactPoint) return entry;
    if (entry.contactPoint === null) channelWide = entry;
  }
  return channelWide;
}

/** The contact points whose own consent on `channel` for `purpose` does not read GRANTED at `at`, sorted. */
function excludedContactPointsOf(entries: readonly ConsentEntry[], channel: string, purpose: string, at: Date): string[] {
  const excluded = entries.filter(
    (entry) => entry.channel === channel && entry.purpose === purpose && entry.contactPoint !== null && effectiveStatus(entry, at) !== 'GRANTED',
  );
  return excluded.map((entry) => entry.contactPoint!).sort();
}

/**
 * Whether a customer (its state document, or null when the store never heard of it) may
 * be contacted. A contact point the customer is not known to hold is never allowed
 * (UNKNOWN_CONTACT_POINT): it is known when the identity graph gives it to the customer
 * (`holdsContactPoint`) or when the customer has a consent entry for it.
 */
export function eligibilityOf(
  state: Pick<ConsentStateDoc, 'consents'> | null,
  channel: string,
  purpose: string,
  contactPoint: string | null,
  at: Date,
  holdsContactPoint = false,
): Eligibility {
  const excludedContactPoints = contactPoint === null ? excludedContactPointsOf(state?.consents ?? [], channel, purpose, at) : null;
  if (!state) return { allowed: false, reason: 'UNKNOWN_CUSTOMER', excludedContactPoints };
  const known = contactPoint === null || holdsContactPoint || state.consents.some((entry) => entry.contactPoint === contactPoint);
  if (!known) return { allowed: false, reason: 'UNKNOWN_CONTACT_POINT', excludedContactPoints };
  const entry = decidingEntry(state.consents, channel, purpose, contactPoint);
  const status = entry ? effectiveStatus(entry, at) : 'UNKNOWN';
  if (status === 'GRANTED') return { allowed: true, reason: 'GRANTED', excludedContactPoints };
  return { allowed: false, reason: status === 'UNKNOWN' ? 'NO_CONSENT' : status, excludedContactPoints };
}
