import type { ResultOf } from '../shared/graphql';
import { channelWide, controlKey, isTicked, type HeldConsent } from './choices';
import type { Messages, ShownStatus } from './messages';
import type { LinkQuery } from './operations';

type Vocabulary = ResultOf<typeof LinkQuery>['consentVocabulary'];

const badges: Record<string, string> = { GRANTED: 'ok', PENDING: 'warn', DENIED: 'off', EXPIRED: 'off' };

function shown(status: string | undefined): ShownStatus {
  return status === 'GRANTED' || status === 'DENIED' || status === 'PENDING' || status === 'EXPIRED' ? status : null;
}

/**
 * The consents, a group per purpose and a checkbox per channel, in plain words: the label
 * ("Marketing emails"), the sentence the person answers (recorded as `textShown`), what
 * is held now, and, on a channel that asks for a double opt-in, that a confirmation follows.
 */
export function ConsentControls({ messages: m, vocabulary, consents, ticked, onToggle }: {
  messages: Messages;
  vocabulary: Vocabulary;
  consents: readonly HeldConsent[];
  /** The controls ticked or unticked since the last save. */
  ticked: ReadonlyMap<string, boolean>;
  onToggle(channel: string, purpose: string, on: boolean): void;
}) {
  const doubleOptIn = new Set(vocabulary.channelRules.filter((rule) => rule.doubleOptIn).map((rule) => rule.channel));
  return (
    <section className="group" aria-labelledby="consents-title">
      <h2 id="consents-title">{m.consents.title}</h2>
      <p className="muted">{m.consents.intro}</p>
      {vocabulary.purposes.map((purpose) => {
        const words = m.purpose(purpose);
        return (
          <fieldset key={purpose} className="purpose">
            <legend>{words.title}</legend>
            {words.description && <p className="muted">{words.description}</p>}
            <ul className="controls">
              {vocabulary.channels.map((channel) => {
                const id = `consent-${channel}-${purpose}`;
                const c = m.channel(channel);
                const held = channelWide(consents, channel, purpose);
                const changed = ticked.get(controlKey(channel, purpose));
                const on = changed ?? isTicked(held);
                const status = shown(held?.status);
                const confirmFirst = doubleOptIn.has(channel) && status !== 'GRANTED';
                const narrow = consents.filter((consent) => consent.channel === channel && consent.purpose === purpose && consent.contactPoint !== null);
                return (
                  <li key={channel} className="control" data-testid={id}>
                    <input
                      type="checkbox"
                      id={id}
                      checked={on}
                      onChange={(event) => onToggle(channel, purpose, event.target.checked)}
                      aria-describedby={[`${id}-text`, `${id}-status`, confirmFirst ? `${id}-note` : ''].filter(Boolean).join(' ')}
                    />
                    <div>
                      <label htmlFor={id}>{words.label(c)}</label>
                      <p id={`${id}-text`} className="sentence">{words.sentence(c)}</p>
                      <p className="state">
                        <span id={`${id}-status`} className={`badge ${status ? badges[status] : 'off'}`}>{m.consents.status(status)}</span>
                        {changed !== undefined && changed !== isTicked(held) && <span className="badge info">{m.consents.unsaved}</span>}
                      </p>
                      {confirmFirst && <p id={`${id}-note`} className="note">{m.consents.confirmFirst(c)}</p>}
                      {narrow.length > 0 && (
                        <ul className="narrow">
                          {narrow.map((consent) => <li key={consent.contactPoint}>{m.consents.forContactPoint(consent.contactPoint!, m.consents.status(shown(consent.status)))}</li>)}
                        </ul>
                      )}
                    </div>
                  </li>
                );
              })}
            </ul>
          </fieldset>
        );
      })}
    </section>
  );
}
