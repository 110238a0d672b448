import { humanise, type ChannelWords, type Messages, type PurposeWords } from './messages';

const channels: Record<string, ChannelWords> = {
  EMAIL: { name: 'E-Mail', plural: 'E-Mails', by: 'per E-Mail' },
  SMS: { name: 'SMS', plural: 'SMS', by: 'per SMS' },
  PHONE: { name: 'Telefonanruf', plural: 'Anrufe', by: 'per Telefon' },
  POSTAL: { name: 'Post', plural: 'Briefe', by: 'per Post' },
  PUSH: { name: 'Push-Mitteilung', plural: 'Push-Mitteilungen', by: 'per Push-Mitteilung' },
};

const purposes: Record<string, PurposeWords> = {
  MARKETING: {
    title: 'Werbung',
    description: 'Neuigkeiten und Angebote von uns.',
    label: (c) => `Werbung ${c.by}`,
    sentence: (c) => `Senden Sie mir Neuigkeiten und Angebote ${c.by}.`,
    on: (c) => `Sie erhalten Werbung ${c.by}`,
    off: (c) => `Sie erhalten keine Werbung ${c.by} mehr`,
  },
  SERVICE: {
    title: 'Service',
    description: 'Nachrichten zu Ihrem Konto, Ihren Bestellungen und Terminen.',
    label: (c) => `Service-Nachrichten ${c.by}`,
    sentence: (c) => `Senden Sie mir Nachrichten zu meinem Konto, meinen Bestellungen und Terminen ${c.by}.`,
    on: (c) => `Sie erhalten Service-Nachrichten ${c.by}`,
    off: (c) => `Sie erhalten keine Service-Nachrichten ${c.by} mehr`,
  },
  PROFILING: {
    title: 'Personalisierung',
    description: 'Was wir Ihnen senden, auf Ihre Interessen abstimmen.',
    label: (c) => `Persönlich abgestimmte ${c.plural}`,
    sentence: (c) => `Nutzen Sie meine Reaktionen auf Ihre ${c.plural}, um Ihre Nachrichten auf meine Interessen abzustimmen.`,
    on: (c) => `Wir stimmen unsere ${c.plural} auf Ihre Interessen ab`,
    off: (c) => `Wir stimmen unsere ${c.plural} nicht mehr auf Ihre Interessen ab`,
  },
  THIRD_PARTY: {
    title: 'Partnerangebote',
    description: 'Angebote sorgfältig ausgewählter Partner.',
    label: (c) => `Partnerangebote ${c.by}`,
    sentence: (c) => `Senden Sie mir Angebote Ihrer ausgewählten Partner ${c.by}.`,
    on: (c) => `Sie erhalten Partnerangebote ${c.by}`,
    off: (c) => `Sie erhalten keine Partnerangebote ${c.by} mehr`,
  },
};

const topics: Record<string, string> = {
  NEWSLETTER: 'Unser Newsletter',
  OFFERS: 'Angebote und Rabatte',
  PRODUCT_UPDATES: 'Produktneuheiten',
  EVENTS: 'Veranstaltungen',
  SURVEYS: 'Umfragen',
};

const frequencies: Record<string, string> = {
  IMMEDIATE: 'Sobald es Neuigkeiten gibt',
  DAILY: 'Höchstens einmal am Tag',
  WEEKLY: 'Höchstens einmal pro Woche',
  MONTHLY: 'Höchstens einmal im Monat',
};

const statuses = { GRANTED: 'An', DENIED: 'Aus', PENDING: 'Wartet auf Ihre Bestätigung', EXPIRED: 'Abgelaufen' } as const;

/** Deutsch. */
export const de: Messages = {
  locale: 'de-DE',
  ownName: 'Deutsch',
  title: 'Ihre Kommunikationseinstellungen',
  intro: 'Wählen Sie, was wir Ihnen senden dürfen und wie. Sie können Ihre Wahl jederzeit ändern; erst mit „Meine Auswahl speichern“ wird etwas geändert.',
  pageLanguage: 'Sprache dieser Seite',
  loading: 'Ihre Auswahl wird geladen …',
  problems: {
    noLink: 'Diese Seite braucht den persönlichen Link, den wir Ihnen gesendet haben. Öffnen Sie den Link aus Ihrer E-Mail oder Ihrem Brief vollständig.',
    expired: 'Ihr Link ist abgelaufen. Bitten Sie uns um einen neuen und öffnen Sie ihn vollständig.',
    invalid: 'Ihr Link ist ungültig. Öffnen Sie den ganzen Link so, wie wir ihn gesendet haben, oder bitten Sie uns um einen neuen.',
    unreachable: (detail) => `Unser Dienst ist gerade nicht erreichbar (${detail}). Bitte versuchen Sie es gleich noch einmal.`,
    notFound: 'Wir konnten Ihre Auswahl nicht finden. Bitten Sie uns um einen neuen Link.',
  },
  channel: (name) => channels[name] ?? { name: humanise(name), plural: `${humanise(name)}-Nachrichten`, by: `per ${humanise(name)}` },
  purpose: (name) =>
    purposes[name] ?? {
      title: humanise(name),
      description: '',
      label: (c) => `${humanise(name)}: ${c.plural}`,
      sentence: (c) => `Ich bin einverstanden: ${humanise(name)} ${c.by}.`,
      on: (c) => `${humanise(name)} ${c.by} ist an`,
      off: (c) => `${humanise(name)} ${c.by} ist aus`,
    },
  consents: {
    title: 'Was wir Ihnen senden dürfen',
    intro: 'Kreuzen Sie an, was Sie erhalten möchten. Entfernen Sie das Häkchen bei allem, was Sie nicht mehr möchten.',
    status: (status) => (status ? statuses[status] : 'Noch nicht gewählt'),
    confirmFirst: (c) => `Vorher bitten wir Sie ${c.by} um Bestätigung.`,
    unsaved: 'Noch nicht gespeichert',
    forContactPoint: (point, status) => `Für ${point}: ${status}`,
  },
  preferences: {
    title: 'Wie wir Ihnen schreiben',
    intro: 'Das gilt für alles, was wir Ihnen senden.',
    topics: {
      legend: 'Themen',
      sentence: 'Schreiben Sie mir zu den Themen, die ich angekreuzt habe.',
      name: (topic) => topics[topic] ?? humanise(topic),
    },
    frequency: {
      label: 'Wie oft',
      sentence: 'Schreiben Sie mir nicht öfter als so.',
      name: (frequency) => frequencies[frequency] ?? humanise(frequency),
    },
    preferredChannel: { label: 'Bevorzugter Weg', sentence: 'Wenn es die Wahl gibt, erreichen Sie mich auf diesem Weg.' },
    language: { label: 'Sprache', sentence: 'Schreiben Sie mir nach Möglichkeit in dieser Sprache.' },
    noChoice: 'Keine Angabe',
  },
  save: {
    button: 'Meine Auswahl speichern',
    busy: 'Wird gespeichert …',
    nothingChanged: 'Es hat sich nichts geändert, daher gab es nichts zu speichern.',
    failed: (detail) => `Ihre Auswahl wurde nicht gespeichert: ${detail}`,
  },
  saved: {
    consent: (text) => `Gespeichert: ${text}.`,
    consentPending: (c, on) => `Fast geschafft: Bitte bestätigen Sie ${c.by}. Danach gilt: ${on}.`,
    topics: (names) => (names.length > 0 ? `Gespeichert: Wir schreiben Ihnen zu ${names.join(', ')}.` : 'Gespeichert: Sie haben keine Themen gewählt.'),
    preference: (label, value) => `Gespeichert – ${label}: ${value}.`,
  },
  confirm: {
    title: 'Bestätigen Sie Ihr Abonnement',
    sentence: 'Ja, ich habe das angefordert und möchte diese Nachrichten an diese Adresse erhalten.',
    button: 'Bestätigen',
    busy: 'Wird bestätigt …',
    done: 'Vielen Dank: Ihr Abonnement ist bestätigt.',
    used: 'Dieser Bestätigungslink wurde bereits verwendet.',
    invalid: 'Dieser Bestätigungslink ist ungültig oder abgelaufen. Kreuzen Sie die Auswahl erneut an, um einen neuen zu erhalten.',
  },
};
