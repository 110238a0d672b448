import { useCallback, useEffect, useMemo, useState, type FormEvent } from 'react';
import { GatewayClient, type GatewayError } from '../shared/gateway-client';
import type { ResultOf, VariablesOf } from '../shared/graphql';
import { changedPreferenceFields, choiceOf, consentChanges, controlKey, type HeldChoices, type PreferenceChoice } from './choices';
import { ConfirmPanel } from './confirm-panel';
import { ConsentControls } from './consent-controls';
import { linkToken, looksExpired, type PreferenceLink } from './link';
import { NOTICE_VERSION, messagesFor, supportedLanguage, type Language, type Messages } from './messages';
import { ChoicesQuery, LinkQuery, SaveMutation } from './operations';
import { PreferenceControls, pageLanguages, preferenceValueText } from './preference-controls';

type Vocabulary = ResultOf<typeof LinkQuery>['consentVocabulary'];
type SaveVariables = VariablesOf<typeof SaveMutation>;

/** Whatever the page says is a function of the strings, so that switching the language rewrites it. */
type Words = (m: Messages) => string;
interface Status {
  ok: boolean;
  lines: Words[];
}

const LANGUAGE_KEY = 'preference-centre.language';
/** Every change names this page as its source, the customer's own id as the record. */
const SOURCE_SYSTEM = 'preference-centre';

/** Why the page cannot show the person's choices, from the gateway's answer. */
function problemOf(errors: readonly GatewayError[]): Words {
  const token = linkToken();
  if (errors.some((error) => error.code === 'UNAUTHENTICATED' || error.code === 'FORBIDDEN')) {
    return (m) => (token && looksExpired(token) ? m.problems.expired : m.problems.invalid);
  }
  const detail = errors[0]?.message ?? '';
  return (m) => m.problems.unreachable(detail);
}

/** The page's language: the one chosen on the page earlier in this tab, else the browser's, else English. */
function initialLanguage(): { language: Language; chosen: boolean } {
  const chosen = supportedLanguage([sessionStorage.getItem(LANGUAGE_KEY)]);
  return { language: chosen ?? supportedLanguage([...navigator.languages, navigator.language]) ?? 'en', chosen: chosen !== null };
}

/**
 * The preference centre: reads the link's customer, their consents and preferences and
 * the vocabulary (queries only: opening the page changes nothing), shows them in the
 * person's language, and records what they change when they press "Save" (one POST),
 * each change with its evidence: the sentence shown next to the control, its locale and
 * the version of the page's wording. The gateway adds the actor (the customer, from the
 * link), the IP address and the user agent it saw.
 */
export function PreferenceCentre({ link }: { link: PreferenceLink }) {
  const [{ language }, setLanguage] = useState(initialLanguage);
  const m = messagesFor(language);
  const client = useMemo(() => new GatewayClient(linkToken), []);
  const [vocabulary, setVocabulary] = useState<Vocabulary | null>(null);
  const [held, setHeld] = useState<HeldChoices | null>(null);
  const [ticked, setTicked] = useState<ReadonlyMap<string, boolean>>(new Map());
  const [wanted, setWanted] = useState<PreferenceChoice>(choiceOf(null));
  const [problem, setProblem] = useState<Words | null>(link.token ? null : () => (m: Messages) => m.problems.noLink);
  const [status, setStatus] = useState<Status | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    document.documentElement.lang = m.locale;
    document.title = m.title;
  }, [m]);

  /** The person's current choices, and the controls reset to them. */
  const loadChoices = useCallback(async (customerId: string): Promise<HeldChoices | null> => {
    const { data, errors } = await client.query(ChoicesQuery, { id: customerId });
    const customer = data?.customer ?? null;
    if (!customer) {
      setProblem(() => (errors.length > 0 ? problemOf(errors) : (m: Messages) => m.problems.notFound));
      return null;
    }
    setHeld(customer);
    setTicked(new Map());
    setWanted(choiceOf(customer.preferences));
    return customer;
  }, [client]);

  useEffect(() => {
    if (!link.token) return;
    void (async () => {
      const { data, errors } = await client.query(LinkQuery, {});
      const customerId = data?.viewer.customerId;
      if (!data || !customerId) {
        setProblem(() => problemOf(errors.length > 0 ? errors : [{ message: '', code: 'FORBIDDEN', path: undefined }]));
        return;
      }
      setVocabulary(data.consentVocabulary);
      const customer = await loadChoices(customerId);
      // Shown in the language the person asked us to write in, unless they chose another on the page.
      const preferred = supportedLanguage([customer?.preferences?.language]);
      if (preferred) setLanguage((current) => (current.chosen ? current : { language: preferred, chosen: false }));
    })();
  }, [client, link.token, loadChoices]);

  const chooseLanguage = (next: Language) => {
    sessionStorage.setItem(LANGUAGE_KEY, next);
    setLanguage({ language: next, chosen: true });
  };

  const save = async (event: FormEvent) => {
    event.preventDefault();
    if (!held || !vocabulary || busy) return;
    const words = m; // the words on the page as the person pressed "Save": the evidence
    const doubleOptIn = new Set(vocabulary.channelRules.filter((rule) => rule.doubleOptIn).map((rule) => rule.channel));
    const targets = consentChanges(held.consents ?? [], ticked, doubleOptIn);
    const heldChoice = choiceOf(held.preferences);
    const fields = changedPreferenceFields(heldChoice, wanted);
    if (targets.length === 0 && fields.length === 0) {
      setStatus({ ok: true, lines: [(m) => m.save.nothingChanged] });
      return;
    }
    const capturedAt = new Date().toISOString();
    const envelope = { customerId: held.id, capturedAt, source: { system: SOURCE_SYSTEM, recordId: held.id }, method: 'WEB_FORM' as const };
    const evidence = (textShown: string) => ({ noticeVersion: NOTICE_VERSION, textShown, locale: words.locale });
    const consents: SaveVariables['consents'] = targets.map((target) => ({
      ...envelope,
      channel: target.channel,
      purpose: target.purpose,
      contactPoint: target.contactPoint,
      status: target.status,
      legalBasis: 'CONSENT' as const,
      evidence: evidence(words.purpose(target.purpose).sentence(words.channel(target.channel))),
    }));
    // One change per field, each with the sentence shown beside its own control.
    const preferences: SaveVariables['preferences'] = fields.map((field) =>
      field === 'topics'
        ? { ...envelope, topics: [...wanted.topics], evidence: evidence(words.preferences.topics.sentence) }
        : { ...envelope, [field]: wanted[field], evidence: evidence(words.preferences[field].sentence) },
    );
    setBusy(true);
    setStatus(null);
    const { data, errors } = await client.mutation(SaveMutation, { consents, preferences, withConsents: consents.length > 0, withPreferences: preferences.length > 0 });
    const failed = [...(data?.recordConsent ?? []), ...(data?.updatePreferences ?? [])].find((result) => result.error)?.error;
    if (errors.some((error) => error.code === 'UNAUTHENTICATED')) {
      setBusy(false);
      setProblem(() => problemOf(errors));
      return;
    }
    await loadChoices(held.id); // what is held now, whatever happened: the page shows it before it confirms
    setBusy(false);
    if (!data || errors.length > 0 || failed) {
      const detail = failed?.message ?? errors[0]?.message ?? '';
      setStatus({ ok: false, lines: [(m) => m.save.failed(detail)] });
    } else {
      const lines: Words[] = targets
        .filter((target) => target.contactPoint === null)
        .map((target) => (m) => {
          const channel = m.channel(target.channel);
          const purpose = m.purpose(target.purpose);
          if (target.status === 'PENDING') return m.saved.consentPending(channel, purpose.on(channel));
          return m.saved.consent(target.status === 'GRANTED' ? purpose.on(channel) : purpose.off(channel));
        });
      for (const field of fields) {
        if (field === 'topics') {
          const topics = [...wanted.topics];
          lines.push((m) => m.saved.topics(topics.map((topic) => m.preferences.topics.name(topic))));
        } else {
          const value = wanted[field];
          lines.push((m) => m.saved.preference(m.preferences[field].label, preferenceValueText(m, field, value)));
        }
      }
      setStatus({ ok: true, lines });
    }
  };

  return (
    <>
      <header className="pc-header">
        <label className="page-language">
          {m.pageLanguage}
          <select value={language} onChange={(event) => chooseLanguage(event.target.value as Language)}>
            {pageLanguages.map((option) => <option key={option.language} value={option.language} lang={option.locale}>{option.name}</option>)}
          </select>
        </label>
      </header>
      <main className="preference-centre">
        <h1>{m.title}</h1>
        <p>{m.intro}</p>
        {problem && <p className="error-box" role="alert" data-testid="problem">{problem(m)}</p>}
        {!problem && !held && <p>{m.loading}</p>}
        {!problem && held && vocabulary && (
          <>
            {link.confirm && <ConfirmPanel messages={m} client={client} token={link.confirm} onConfirmed={async () => void (await loadChoices(held.id))} />}
            <form onSubmit={(event) => void save(event)}>
              <ConsentControls
                messages={m}
                vocabulary={vocabulary}
                consents={held.consents ?? []}
                ticked={ticked}
                onToggle={(channel, purpose, on) => setTicked((current) => new Map(current).set(controlKey(channel, purpose), on))}
              />
              <PreferenceControls messages={m} vocabulary={vocabulary} held={choiceOf(held.preferences)} wanted={wanted} onChange={setWanted} />
              <div className="actions">
                <button type="submit" disabled={busy}>{busy ? m.save.busy : m.save.button}</button>
              </div>
            </form>
          </>
        )}
        <div role="status" aria-live="polite" data-testid="status" className={status ? (status.ok ? 'notice' : 'error-box') : 'status-empty'}>
          {status && (status.lines.length === 1 ? status.lines[0]!(m) : <ul>{status.lines.map((line, index) => <li key={index}>{line(m)}</li>)}</ul>)}
        </div>
      </main>
    </>
  );
}
