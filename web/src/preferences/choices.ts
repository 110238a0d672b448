import type { ResultOf } from '../shared/graphql';
import type { ChoicesQuery } from './operations';

/** The customer as the page reads them. */
export type HeldChoices = NonNullable<ResultOf<typeof ChoicesQuery>['customer']>;
/** One consent as held. */
export type HeldConsent = NonNullable<HeldChoices['consents']>[number];

/** A consent control's key. */
export function controlKey(channel: string, purpose: string): string {
  return `${channel}|${purpose}`;
}

/** The channel-wide consent held for a channel and purpose (not one narrowed to an address or number). */
export function channelWide(consents: readonly HeldConsent[], channel: string, purpose: string): HeldConsent | undefined {
  return consents.find((consent) => consent.channel === channel && consent.purpose === purpose && consent.contactPoint === null);
}

/** Ticked when the person has it on, or asked for it and has still to confirm. */
export function isTicked(consent: HeldConsent | undefined): boolean {
  return consent?.status === 'GRANTED' || consent?.status === 'PENDING';
}

/** One consent change to record. */
export interface ConsentTarget {
  channel: string;
  purpose: string;
  contactPoint: string | null;
  status: 'GRANTED' | 'DENIED' | 'PENDING';
}

/**
 * The changes that make the store hold what the person ticked, for the controls whose
 * tick differs from what is held: ticked, a channel-wide GRANTED (PENDING on a channel
 * that asks for a double opt-in); unticked, a channel-wide DENIED and a DENIED for each
 * of the channel's addresses or numbers still allowed on its own (an address's own
 * consent wins over the channel-wide one, so "no more marketing emails" must reach it).
 */
export function consentChanges(consents: readonly HeldConsent[], ticked: ReadonlyMap<string, boolean>, doubleOptIn: ReadonlySet<string>): ConsentTarget[] {
  const changes: ConsentTarget[] = [];
  for (const [key, on] of ticked) {
    const [channel = '', purpose = ''] = key.split('|');
    if (on === isTicked(channelWide(consents, channel, purpose))) continue;
    if (on) {
      changes.push({ channel, purpose, contactPoint: null, status: doubleOptIn.has(channel) ? 'PENDING' : 'GRANTED' });
      continue;
    }
    changes.push({ channel, purpose, contactPoint: null, status: 'DENIED' });
    for (const narrow of consents) {
      if (narrow.channel === channel && narrow.purpose === purpose && narrow.contactPoint !== null && isTicked(narrow)) {
        changes.push({ channel, purpose, contactPoint: narrow.contactPoint, status: 'DENIED' });
      }
    }
  }
  return changes;
}

/** The preference fields the page changes. */
export const preferenceFields = Object.freeze(['topics', 'frequency', 'preferredChannel', 'language'] as const);
/** One of {@link preferenceFields}. */
export type PreferenceField = (typeof preferenceFields)[number];

/** The preferences as the controls hold them; '' is "no preference", which only a field never set shows. */
export interface PreferenceChoice {
  topics: readonly string[];
  frequency: string;
  preferredChannel: string;
  language: string;
}

/** The controls' starting values: what is held. */
export function choiceOf(preferences: HeldChoices['preferences']): PreferenceChoice {
  return {
    topics: [...(preferences?.topics ?? [])].sort(),
    frequency: preferences?.frequency ?? '',
    preferredChannel: preferences?.preferredChannel ?? '',
    language: preferences?.language ?? '',
  };
}

/** The fields the person changed ("no preference" is never a change: a preference is changed, not unset). */
export function changedPreferenceFields(held: PreferenceChoice, wanted: PreferenceChoice): PreferenceField[] {
  return preferenceFields.filter((field) => {
    if (field === 'topics') return [...wanted.topics].sort().join('|') !== [...held.topics].sort().join('|');
    return wanted[field] !== '' && wanted[field] !== held[field];
  });
}
