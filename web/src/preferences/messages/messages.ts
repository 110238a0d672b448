/**
 * Every string the preference centre shows, one file per language (en.ts, de.ts). The
 * words next to a control are also the evidence of the person's answer (`textShown`),
 * so a change of wording is a new {@link NOTICE_VERSION}.
 */

/** The version of the page's wording, recorded with every change (`evidence.noticeVersion`). */
export const NOTICE_VERSION = 'preference-centre/2026-12';

/** The languages the page is written in. */
export const languages = Object.freeze(['en', 'de'] as const);
/** One of {@link languages}. */
export type Language = (typeof languages)[number];

/** A channel's words in one language. */
export interface ChannelWords {
  /** As an option: "Email". */
  name: string;
  /** What arrives on it, plural: "emails". */
  plural: string;
  /** How something is sent on it: "by email". */
  by: string;
}

/** A purpose's words in one language, for a channel's words. */
export interface PurposeWords {
  /** The group's heading: "Marketing". */
  title: string;
  /** One line under the heading. */
  description: string;
  /** The control's label in plain words: "Marketing emails". */
  label(channel: ChannelWords): string;
  /** The sentence next to the control, the person's answer when ticked: "Send me news and offers by email." */
  sentence(channel: ChannelWords): string;
  /** What holds once it is on: "you will receive marketing emails". */
  on(channel: ChannelWords): string;
  /** What holds once it is off: "you will no longer receive marketing emails". */
  off(channel: ChannelWords): string;
}

/** A consent status as the person reads it (GRANTED, DENIED, PENDING, EXPIRED, or null: never answered). */
export type ShownStatus = 'GRANTED' | 'DENIED' | 'PENDING' | 'EXPIRED' | null;

/** One language's strings. */
export interface Messages {
  /** BCP 47 tag of these strings: the page's `lang` and the evidence's `locale`. */
  locale: string;
  /** The language's own name, as the switcher offers it. */
  ownName: string;
  title: string;
  intro: string;
  pageLanguage: string;
  loading: string;
  /** The link is missing, expired or not valid, or the page cannot reach the gateway. */
  problems: { noLink: string; expired: string; invalid: string; unreachable(detail: string): string; notFound: string };
  channel(name: string): ChannelWords;
  purpose(name: string): PurposeWords;
  consents: {
    title: string;
    intro: string;
    status(status: ShownStatus): string;
    /** Next to a channel that needs a double opt-in. */
    confirmFirst(channel: ChannelWords): string;
    /** Beside a control ticked or unticked since the last save. */
    unsaved: string;
    /** A consent held for one address or number of the channel. */
    forContactPoint(point: string, status: string): string;
  };
  preferences: {
    title: string;
    intro: string;
    topics: { legend: string; sentence: string; name(topic: string): string };
    frequency: { label: string; sentence: string; name(frequency: string): string };
    preferredChannel: { label: string; sentence: string };
    language: { label: string; sentence: string };
    /** The option shown while nothing was ever chosen. */
    noChoice: string;
  };
  save: { button: string; busy: string; nothingChanged: string; failed(detail: string): string };
  saved: {
    /** A consent change: `text` is the purpose's `on` or `off`. */
    consent(text: string): string;
    /** A grant on a double opt-in channel, recorded PENDING until confirmed. */
    consentPending(channel: ChannelWords, on: string): string;
    topics(names: readonly string[]): string;
    preference(label: string, value: string): string;
  };
  confirm: {
    title: string;
    /** Also the evidence of the confirmation. */
    sentence: string;
    button: string;
    busy: string;
    done: string;
    used: string;
    invalid: string;
  };
}

/** An identifier of the vocabulary this page has no words for, readable: THIRD_PARTY -> "Third party". */
export function humanise(name: string): string {
  const words = name.toLowerCase().replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}
