import type { ConsentEntry, ConsentEventDoc } from './consent-model';
import { beats } from './fold-consent-events';

/**
 * The consents in force at `at`, from a customer's log: per key, among the events
 * captured at or before `at`, the newest by capture time (ties: the later in the
 * log), exactly as the live fold decides. `events` may come in any order and may
 * be a filtered part of the log (no density needed, unlike the live fold).
 */
export function consentsAt(events: readonly ConsentEventDoc[], at: Date): ConsentEntry[] {
  const winners = new Map<string, ConsentEntry>();
  for (const event of events) {
    if (!event.consent || event.capturedAt.getTime() > at.getTime()) continue;
    const held = winners.get(event.consent.key);
    if (!beats(event.capturedAt, event.seq, held)) continue;
    winners.set(event.consent.key, {
      key: event.consent.key,
      channel: event.consent.channel,
      purpose: event.consent.purpose,
      contactPoint: event.consent.contactPoint,
      status: event.consent.to,
      capturedAt: event.capturedAt,
      expiresAt: event.consent.expiresAt,
      source: event.source,
      seq: event.seq,
      eventId: event._id,
    });
  }
  return [...winners.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
