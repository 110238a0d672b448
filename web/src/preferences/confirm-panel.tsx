import { useState } from 'react';
import type { GatewayClient } from '../shared/gateway-client';
import { forgetConfirmation } from './link';
import { NOTICE_VERSION, type Messages } from './messages';
import { ConfirmMutation } from './operations';

type State = 'ready' | 'busy' | 'done' | 'used' | 'invalid' | { failed: string };

/**
 * A double opt-in confirmation (`#confirm=<token>`): nothing happens on opening the link,
 * which a mail scanner may do; the consent becomes GRANTED only when the person presses
 * "Confirm" (a POST), with the sentence they confirmed as the evidence.
 */
export function ConfirmPanel({ messages: m, client, token, onConfirmed }: { messages: Messages; client: GatewayClient; token: string; onConfirmed(): Promise<void> }) {
  const [state, setState] = useState<State>('ready');

  const confirm = async () => {
    setState('busy');
    const { data, errors } = await client.mutation(ConfirmMutation, {
      token,
      evidence: { noticeVersion: NOTICE_VERSION, textShown: m.confirm.sentence, locale: m.locale },
    });
    const result = data?.confirmDoubleOptIn;
    const code = result?.error?.code ?? errors[0]?.code;
    if (result && !result.error) {
      forgetConfirmation();
      await onConfirmed(); // the page shows the consent granted before it says so
      setState('done');
    } else if (code === 'CONFLICT' || code === 'BAD_USER_INPUT') {
      forgetConfirmation(); // used, superseded or expired: pressing again cannot help
      setState(code === 'CONFLICT' ? 'used' : 'invalid');
    } else {
      setState({ failed: result?.error?.message ?? errors[0]?.message ?? '' });
    }
  };

  const finished = state === 'done' || state === 'used' || state === 'invalid';
  const message = state === 'done' ? m.confirm.done : state === 'used' ? m.confirm.used : state === 'invalid' ? m.confirm.invalid : typeof state === 'object' ? m.save.failed(state.failed) : '';
  return (
    <section className="group confirm" aria-labelledby="confirm-title" data-testid="confirm">
      <h2 id="confirm-title">{m.confirm.title}</h2>
      <p id="confirm-text" className="sentence">{m.confirm.sentence}</p>
      {!finished && (
        <button type="button" onClick={() => void confirm()} disabled={state === 'busy'} aria-describedby="confirm-text">
          {state === 'busy' ? m.confirm.busy : m.confirm.button}
        </button>
      )}
      <div role="status" className={message ? (state === 'done' ? 'notice' : 'error-box') : undefined}>{message}</div>
    </section>
  );
}
