import {
  preferenceFields,
  type ConsentEntry,
  type ConsentEventDoc,
  type ConsentStateDoc,
  type PreferenceEntries,
  type PreferenceEntry,
} from './consent-model';

/** The state of a customer with no events. */
export function emptyConsentState(customerId: string): ConsentStateDoc {
  return { _id: customerId, seq: 0, consents: [], preferences: {} };
}

/** True when an event captured at `capturedAt` with `seq` beats the entry now held for its key. */
export function beats(capturedAt: Date, seq: number, held: { capturedAt: Date; seq: number } | undefined): boolean {
  if (!held) return true;
  const delta = capturedAt.getTime() - held.capturedAt.getTime();
  return delta > 0 || (delta === 0 && seq > held.seq);
}

/**
 * Folds events into a state: the projection every reader, writer and the sweeper
 * uses. Deterministic, so state = f(all events) whatever order writers raced in:
 * per key the newest `capturedAt` wins, ties broken by the higher `seq`; an event
 * captured earlier than the entry it competes with stays in history only. `events`
 * must continue the state's log (seq state.seq+1, +2, ...); anything else is a bug.
 */
export function foldConsentEvents(state: ConsentStateDoc, events: readonly ConsentEventDoc[]): ConsentStateDoc {
  const consents = new Map(state.consents.map((entry) => [entry.key, entry]));
  const preferences: PreferenceEntries = { ...state.preferences };
  let seq = state.seq;
  for (const event of events) {
    if (event.seq !== seq + 1) {
      throw new Error(`Consent log of ${event.customerId} folded out of order: expected seq ${seq + 1}, got ${event.seq}.`);
    }
    seq = event.seq;
    if (event.consent) {
      const change = event.consent;
      if (beats(event.capturedAt, event.seq, consents.get(change.key))) {
        const entry: ConsentEntry = {
          key: change.key,
          channel: change.channel,
          purpose: change.purpose,
          contactPoint: change.contactPoint,
          status: change.to,
          capturedAt: event.capturedAt,
          expiresAt: change.expiresAt,
          source: event.source,
          seq: event.seq,
          eventId: event._id,
        };
        consents.set(change.key, entry);
      }
    }
    if (event.preferences) {
      for (const field of preferenceFields) {
        const value = event.preferences.to[field];
        if (value === undefined || !beats(event.capturedAt, event.seq, preferences[field])) continue;
        (preferences as Record<string, PreferenceEntry<unknown>>)[field] = {
          value,
          capturedAt: event.capturedAt,
          seq: event.seq,
          eventId: event._id,
        };
      }
    }
  }
  return {
    _id: state._id,
    seq,
    consents: [...consents.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)),
    preferences,
  };
}
