import type { ConsentEventDoc } from '../../../src/consent/consent-model';

/**
 * Brute force, independent of the store's fold: for every key, the event with the
 * greatest (capturedAt, seq) among those captured at or before `at`.
 */
export function expectedConsents(events: readonly ConsentEventDoc[], at = new Date(8.64e15)) {
  const byKey = new Map<string, ConsentEventDoc>();
  for (const event of events) {
    if (!event.consent || event.capturedAt > at) continue;
    const held = byKey.get(event.consent.key);
    const later = !held || event.capturedAt > held.capturedAt || (+event.capturedAt === +held.capturedAt && event.seq > held.seq);
    if (later) byKey.set(event.consent.key, event);
  }
  return [...byKey.values()]
    .map((event) => ({
      key: event.consent!.key,
      status: event.consent!.to,
      capturedAt: event.capturedAt.toISOString(),
      expiresAt: event.consent!.expiresAt?.toISOString() ?? null,
      eventId: event._id,
    }))
    .sort((a, b) => a.key.localeCompare(b.key));
}
