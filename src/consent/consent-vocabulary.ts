/**
 * The consent vocabulary: which channels, purposes, topics and preference frequencies
 * the store accepts. It is configuration, not code: a deployment passes its own to
 * {@link ConsentService}; everything else reads it from there. Validated once, at start.
 *
 * Why GraphQL takes these as `String` (validated here) rather than as enums generated
 * from this object: the vocabulary then changes without a schema change or a client
 * regeneration, and an unknown value is rejected with BAD_USER_INPUT naming the field
 * (`changes[3].channel`) and listing the accepted values, before anything is written.
 * Clients discover the accepted values with the `consentVocabulary` query.
 */

/** How a channel's contact point is normalised and checked. */
export type ContactPointKind = 'email' | 'phone' | 'opaque';

/** One channel: its name, what kind of contact point narrows it, and whether a grant needs confirming. */
export interface ChannelDefinition {
  readonly name: string;
  readonly contactPoint: ContactPointKind;
  /**
   * A person's own grant on this channel is recorded PENDING and becomes GRANTED only once
   * they confirm it from the address itself (double opt-in); the preference centre follows
   * it, and `consentVocabulary.channelRules` tells every client. @default false
   */
  readonly doubleOptIn?: boolean;
}

/** The accepted values. Names are upper-case identifiers (A-Z, 0-9, _). */
export interface ConsentVocabulary {
  readonly channels: readonly ChannelDefinition[];
  readonly purposes: readonly string[];
  readonly topics: readonly string[];
  readonly frequencies: readonly string[];
}

/** The default set: the channels and purposes of DESIGN.md and a few common topics. */
export const defaultConsentVocabulary: ConsentVocabulary = Object.freeze({
  channels: Object.freeze([
    { name: 'EMAIL', contactPoint: 'email', doubleOptIn: true },
    { name: 'SMS', contactPoint: 'phone' },
    { name: 'PHONE', contactPoint: 'phone' },
    { name: 'POSTAL', contactPoint: 'opaque' },
    { name: 'PUSH', contactPoint: 'opaque' },
  ] as const),
  purposes: Object.freeze(['MARKETING', 'SERVICE', 'PROFILING', 'THIRD_PARTY']),
  topics: Object.freeze(['NEWSLETTER', 'OFFERS', 'PRODUCT_UPDATES', 'EVENTS', 'SURVEYS']),
  frequencies: Object.freeze(['IMMEDIATE', 'DAILY', 'WEEKLY', 'MONTHLY']),
});

const identifier = /^[A-Z][A-Z0-9_]{0,39}$/;

/** Checks a vocabulary once (names well-formed, no duplicates, none empty) and returns it frozen. */
export function validateConsentVocabulary(vocabulary: ConsentVocabulary): ConsentVocabulary {
  const lists: [string, readonly string[]][] = [
    ['channels', vocabulary.channels.map((channel) => channel.name)],
    ['purposes', vocabulary.purposes],
    ['topics', vocabulary.topics],
    ['frequencies', vocabulary.frequencies],
  ];
  for (const [list, names] of lists) {
    if (names.length === 0) throw new TypeError(`Consent vocabulary: ${list} must name at least one value.`);
    const bad = names.find((name) => !identifier.test(name));
    if (bad !== undefined) {
      throw new TypeError(`Consent vocabulary: ${list} holds ${JSON.stringify(bad)}; expected an upper-case identifier such as EMAIL.`);
    }
    const duplicate = names.find((name, index) => names.indexOf(name) !== index);
    if (duplicate !== undefined) throw new TypeError(`Consent vocabulary: ${list} names ${duplicate} twice.`);
  }
  for (const channel of vocabulary.channels) {
    if (!['email', 'phone', 'opaque'].includes(channel.contactPoint)) {
      throw new TypeError(`Consent vocabulary: channel ${channel.name} has contactPoint ${String(channel.contactPoint)}; expected email, phone or opaque.`);
    }
    if (channel.doubleOptIn !== undefined && typeof channel.doubleOptIn !== 'boolean') {
      throw new TypeError(`Consent vocabulary: channel ${channel.name} has doubleOptIn ${String(channel.doubleOptIn)}; expected true or false.`);
    }
  }
  return Object.freeze({
    channels: Object.freeze(vocabulary.channels.map((channel) => Object.freeze({ ...channel }))),
    purposes: Object.freeze([...vocabulary.purposes]),
    topics: Object.freeze([...vocabulary.topics]),
    frequencies: Object.freeze([...vocabulary.frequencies]),
  });
}
