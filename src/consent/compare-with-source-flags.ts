import type { SourceConsentFlag } from '../adapters/source-adapter';
import type { ConsentStateDoc } from './consent-model';
import { decidingEntry, effectiveStatus } from './evaluate-consent';
import type { EffectiveConsentStatus } from './consent-model';

/** One disagreement between a source's flag and the store. */
export interface ConsentDrift {
  channel: string;
  purpose: string;
  contactPoint: string | null;
  /** What the source believes. */
  sourceStatus: SourceConsentFlag['status'];
  /** What the store holds (EXPIRED when a grant has lapsed; UNKNOWN when it holds nothing). */
  storeStatus: EffectiveConsentStatus;
}

/** Whether a source's status says the same as the store's: a lapsed grant or a pending one means "do not contact". */
function agrees(sourceStatus: SourceConsentFlag['status'], storeStatus: EffectiveConsentStatus): boolean {
  if (sourceStatus === storeStatus) return true;
  if (sourceStatus === 'GRANTED' || storeStatus === 'GRANTED') return false;
  return true; // DENIED, PENDING, UNKNOWN, EXPIRED all mean "not allowed": not drift a steward must act on
}

/**
 * The source flags that disagree with the store (pure; drift, item 6). Each flag is
 * compared with the entry that decides contact for its channel, purpose and contact
 * point, evaluated at `at`. A source's flag is never the answer: this only reports.
 * Contact points in flags must be normalised like the store's (lower-cased email, E.164).
 */
export function compareWithSourceFlags(
  state: Pick<ConsentStateDoc, 'consents'> | null,
  flags: readonly SourceConsentFlag[],
  at: Date = new Date(),
): ConsentDrift[] {
  const drift: ConsentDrift[] = [];
  for (const flag of flags) {
    const contactPoint = flag.contactPoint ?? null;
    const entry = state ? decidingEntry(state.consents, flag.channel, flag.purpose, contactPoint) : undefined;
    const storeStatus = entry ? effectiveStatus(entry, at) : 'UNKNOWN';
    if (!agrees(flag.status, storeStatus)) {
      drift.push({ channel: flag.channel, purpose: flag.purpose, contactPoint, sourceStatus: flag.status, storeStatus });
    }
  }
  return drift;
}
