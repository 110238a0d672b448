import { humanise, type ChannelWords, type Messages, type PurposeWords } from './messages';

const channels: Record<string, ChannelWords> = {
  EMAIL: { name: 'Email', plural: 'emails', by: 'by email' },
  SMS: { name: 'Text message', plural: 'text messages', by: 'by text message' },
  PHONE: { name: 'Phone call', plural: 'phone calls', by: 'by phone' },
  POSTAL: { name: 'Post', plural: 'letters', by: 'by post' },
  PUSH: { name: 'Push notification', plural: 'push notifications', by: 'by push notification' },
};

const purposes: Record<string, PurposeWords> = {
  MARKETING: {
    title: 'Marketing',
    description: 'News and offers from us.',
    label: (c) => `Marketing ${c.plural}`,
    sentence: (c) => `Send me news and offers ${c.by}.`,
    on: (c) => `you will receive marketing ${c.plural}`,
    off: (c) => `you will no longer receive marketing ${c.plural}`,
  },
  SERVICE: {
    title: 'Service',
    description: 'Messages about your account, orders and appointments.',
    label: (c) => `Service ${c.plural}`,
    sentence: (c) => `Send me messages about my account, orders and appointments ${c.by}.`,
    on: (c) => `you will receive service ${c.plural}`,
    off: (c) => `you will no longer receive service ${c.plural}`,
  },
  PROFILING: {
    title: 'Personalisation',
    description: 'Fitting what we send you to what interests you.',
    label: (c) => `Personalised ${c.plural}`,
    sentence: (c) => `Use how I respond to your ${c.plural} to fit what you send me to my interests.`,
    on: (c) => `we will fit our ${c.plural} to your interests`,
    off: (c) => `we will no longer fit our ${c.plural} to your interests`,
  },
  THIRD_PARTY: {
    title: 'Partner offers',
    description: 'Offers from partners we have chosen carefully.',
    label: (c) => `Partner offers ${c.by}`,
    sentence: (c) => `Send me offers from your selected partners ${c.by}.`,
    on: (c) => `you will receive partner offers ${c.by}`,
    off: (c) => `you will no longer receive partner offers ${c.by}`,
  },
};

const topics: Record<string, string> = {
  NEWSLETTER: 'Our newsletter',
  OFFERS: 'Offers and discounts',
  PRODUCT_UPDATES: 'Product news',
  EVENTS: 'Events',
  SURVEYS: 'Surveys',
};

const frequencies: Record<string, string> = {
  IMMEDIATE: 'As soon as there is news',
  DAILY: 'At most once a day',
  WEEKLY: 'At most once a week',
  MONTHLY: 'At most once a month',
};

const statuses = { GRANTED: 'On', DENIED: 'Off', PENDING: 'Waiting for your confirmation', EXPIRED: 'Expired' } as const;

/** English (British). */
export const en: Messages = {
  locale: 'en-GB',
  ownName: 'English',
  title: 'Your communication preferences',
  intro: 'Choose what we may send you and how. You can change your mind at any time; nothing changes until you press “Save my choices”.',
  pageLanguage: 'Language of this page',
  loading: 'Loading your choices…',
  problems: {
    noLink: 'This page needs the personal link we sent you. Open the link from your email or letter in full.',
    expired: 'Your link has expired. Ask us for a new one and open it in full.',
    invalid: 'Your link is not valid. Open the whole link as we sent it, or ask us for a new one.',
    unreachable: (detail) => `We cannot reach our service right now (${detail}). Please try again in a moment.`,
    notFound: 'We could not find your choices. Ask us for a new link.',
  },
  channel: (name) => channels[name] ?? { name: humanise(name), plural: `${humanise(name).toLowerCase()} messages`, by: `by ${humanise(name).toLowerCase()}` },
  purpose: (name) =>
    purposes[name] ?? {
      title: humanise(name),
      description: '',
      label: (c) => `${humanise(name)}: ${c.plural}`,
      sentence: (c) => `I agree to ${humanise(name).toLowerCase()} ${c.by}.`,
      on: (c) => `${humanise(name).toLowerCase()} ${c.by} is on`,
      off: (c) => `${humanise(name).toLowerCase()} ${c.by} is off`,
    },
  consents: {
    title: 'What we may send you',
    intro: 'Tick what you would like to receive. Untick anything you no longer want.',
    status: (status) => (status ? statuses[status] : 'Not chosen yet'),
    confirmFirst: (c) => `To start, we will ask you to confirm ${c.by}.`,
    unsaved: 'Not saved yet',
    forContactPoint: (point, status) => `For ${point}: ${status}`,
  },
  preferences: {
    title: 'How we write to you',
    intro: 'These apply to everything we send you.',
    topics: {
      legend: 'Topics',
      sentence: 'Write to me about the topics I have ticked.',
      name: (topic) => topics[topic] ?? humanise(topic),
    },
    frequency: {
      label: 'How often',
      sentence: 'Do not write to me more often than this.',
      name: (frequency) => frequencies[frequency] ?? humanise(frequency),
    },
    preferredChannel: { label: 'Preferred channel', sentence: 'When there is a choice, reach me this way.' },
    language: { label: 'Language', sentence: 'Write to me in this language where you can.' },
    noChoice: 'No preference',
  },
  save: {
    button: 'Save my choices',
    busy: 'Saving…',
    nothingChanged: 'Nothing has changed, so there was nothing to save.',
    failed: (detail) => `Your choices were not saved: ${detail}`,
  },
  saved: {
    consent: (text) => `Saved: ${text}.`,
    consentPending: (c, on) => `Almost done: please confirm ${c.by}. Once you have, ${on}.`,
    topics: (names) => (names.length > 0 ? `Saved: we will write to you about ${names.join(', ')}.` : 'Saved: you have chosen no topics.'),
    preference: (label, value) => `Saved – ${label}: ${value}.`,
  },
  confirm: {
    title: 'Confirm your subscription',
    sentence: 'Yes, I asked for this and I want to receive these messages at this address.',
    button: 'Confirm',
    busy: 'Confirming…',
    done: 'Thank you: your subscription is confirmed.',
    used: 'This confirmation link has been used already.',
    invalid: 'This confirmation link is not valid or has expired. Tick the choice again to get a new one.',
  },
};
