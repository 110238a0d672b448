import { preferenceFields, type ConsentEventDoc, type ConsentStatus, type PreferenceValues } from './consent-model';

/** Capture order, ties by log position: the order in which the fold lets events win (see `beats`). */
function byCapture(a: ConsentEventDoc, b: ConsentEventDoc): number {
  return a.capturedAt.getTime() - b.capturedAt.getTime() || a.seq - b.seq;
}

/**
 * A customer's events as history shows them: each event's `from` is what was in force
 * for its key (its preference fields) at the event's capture time, derived from the
 * whole log ordered by capture time. The `from` stored with an event is what the state
 * held when it was recorded, which for a late arrival (captured on 15 January, recorded
 * today) is a later state, and a late arrival also changes what was in force for the
 * events captured after it. `from` is the recorded status (a lapsed grant reads GRANTED,
 * as `to` does). Returns copies in the given order; the given events are not changed.
 */
export function fromAtCapture(events: readonly ConsentEventDoc[]): ConsentEventDoc[] {
  const consentsHeld = new Map<string, ConsentStatus>();
  const preferencesHeld: Record<string, unknown> = {};
  const derived = new Map<string, ConsentEventDoc>();
  for (const event of [...events].sort(byCapture)) {
    let shown = event;
    if (event.consent) {
      shown = { ...shown, consent: { ...event.consent, from: consentsHeld.get(event.consent.key) ?? 'UNKNOWN' } };
      consentsHeld.set(event.consent.key, event.consent.to);
    }
    if (event.preferences) {
      const from: Record<string, unknown> = {};
      for (const field of preferenceFields) {
        const value = event.preferences.to[field];
        if (value === undefined) continue;
        if (field in preferencesHeld) from[field] = preferencesHeld[field];
        preferencesHeld[field] = value;
      }
      shown = { ...shown, preferences: { from: from as PreferenceValues, to: event.preferences.to } };
    }
    derived.set(event._id, shown);
  }
  return events.map((event) => derived.get(event._id)!);
}
