import type { ResultOf } from '../shared/graphql';
import type { PreferenceChoice } from './choices';
import { languages, messagesFor, type Messages } from './messages';
import type { LinkQuery } from './operations';

type Vocabulary = ResultOf<typeof LinkQuery>['consentVocabulary'];

/** A language's name in that language ("Deutsch"), as a language picker shows it. */
export function languageName(tag: string): string {
  try {
    const name = new Intl.DisplayNames([tag], { type: 'language' }).of(tag) ?? tag;
    return name.charAt(0).toLocaleUpperCase(tag) + name.slice(1);
  } catch {
    return tag;
  }
}

/** The preferences: topics, how often, the preferred channel and the language, each with the sentence the person answers. */
export function PreferenceControls({ messages: m, vocabulary, held, wanted, onChange }: {
  messages: Messages;
  vocabulary: Vocabulary;
  /** What is held: a field never set offers "no preference". */
  held: PreferenceChoice;
  wanted: PreferenceChoice;
  onChange(wanted: PreferenceChoice): void;
}) {
  const p = m.preferences;
  const toggleTopic = (topic: string, on: boolean) =>
    onChange({ ...wanted, topics: on ? [...wanted.topics, topic].sort() : wanted.topics.filter((held) => held !== topic) });
  const languageTags = [...languages, ...(held.language && !(languages as readonly string[]).includes(held.language) ? [held.language] : [])];
  const select = (field: 'frequency' | 'preferredChannel' | 'language', label: string, sentence: string, options: { value: string; text: string; lang?: string }[]) => (
    <div className="field">
      <label htmlFor={`preference-${field}`}>{label}</label>
      <p id={`preference-${field}-text`} className="sentence">{sentence}</p>
      <select id={`preference-${field}`} aria-describedby={`preference-${field}-text`} value={wanted[field]} onChange={(event) => onChange({ ...wanted, [field]: event.target.value })}>
        {held[field] === '' && <option value="">{p.noChoice}</option>}
        {options.map((option) => <option key={option.value} value={option.value} lang={option.lang}>{option.text}</option>)}
      </select>
    </div>
  );
  return (
    <section className="group" aria-labelledby="preferences-title">
      <h2 id="preferences-title">{p.title}</h2>
      <p className="muted">{p.intro}</p>
      <fieldset className="topics" aria-describedby="preference-topics-text">
        <legend>{p.topics.legend}</legend>
        <p id="preference-topics-text" className="sentence">{p.topics.sentence}</p>
        <ul className="controls">
          {vocabulary.topics.map((topic) => (
            <li key={topic} className="control">
              <input type="checkbox" id={`topic-${topic}`} checked={wanted.topics.includes(topic)} onChange={(event) => toggleTopic(topic, event.target.checked)} />
              <label htmlFor={`topic-${topic}`}>{p.topics.name(topic)}</label>
            </li>
          ))}
        </ul>
      </fieldset>
      {select('frequency', p.frequency.label, p.frequency.sentence, vocabulary.frequencies.map((value) => ({ value, text: p.frequency.name(value) })))}
      {select('preferredChannel', p.preferredChannel.label, p.preferredChannel.sentence, vocabulary.channels.map((value) => ({ value, text: m.channel(value).name })))}
      {select('language', p.language.label, p.language.sentence, languageTags.map((tag) => ({ value: tag, text: languageName(tag), lang: tag })))}
    </section>
  );
}

/** A preference's value in words, for the confirmation. */
export function preferenceValueText(m: Messages, field: 'frequency' | 'preferredChannel' | 'language', value: string): string {
  if (field === 'frequency') return m.preferences.frequency.name(value);
  if (field === 'preferredChannel') return m.channel(value).name;
  return languageName(value);
}

/** The label of the page's own language switcher options: each language in its own words. */
export const pageLanguages = languages.map((language) => ({ language, name: messagesFor(language).ownName, locale: messagesFor(language).locale }));
