import { useState, type FormEvent } from 'react';
import { useConsole } from '../console-context';
import { RecordConsentMutation } from '../operations';

/**
 * Records a consent change on the customer's behalf: the agent is the actor (the gateway
 * takes it from the token), the method is a call or in person, and the text read to the
 * customer is the evidence.
 */
export function RecordConsentForm({ customerId, onRecorded }: { customerId: string; onRecorded: () => Promise<void> }) {
  const { client, channels, purposes } = useConsole();
  const [channel, setChannel] = useState(channels[0] ?? '');
  const [purpose, setPurpose] = useState(purposes[0] ?? '');
  const [status, setStatus] = useState<'GRANTED' | 'DENIED'>('DENIED');
  const [method, setMethod] = useState<'CALL' | 'IN_PERSON'>('CALL');
  const [textRead, setTextRead] = useState('');
  const [message, setMessage] = useState<{ text: string; ok: boolean } | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    const { data, errors } = await client.mutation(RecordConsentMutation, {
      change: {
        customerId,
        channel,
        purpose,
        status,
        method,
        capturedAt: new Date().toISOString(),
        source: { system: 'agent-console', recordId: customerId },
        evidence: { textShown: textRead, userAgent: navigator.userAgent },
        idempotencyKey: crypto.randomUUID(),
      },
    });
    setBusy(false);
    const result = data?.recordConsent?.[0];
    if (result && !result.error) {
      await onRecorded(); // the timeline and the grid show it before the confirmation does
      setMessage({ text: `Recorded: ${channel} / ${purpose} is now ${status.toLowerCase()}. It is being sent to the connected systems.`, ok: true });
      setTextRead('');
    } else {
      setMessage({ text: result?.error?.message ?? errors[0]?.message ?? 'The change was not recorded.', ok: false });
    }
  };

  return (
    <section className="panel" aria-labelledby="record-title">
      <h2 id="record-title">Record a consent change</h2>
      <form className="record-consent" onSubmit={(event) => void submit(event)}>
        <label htmlFor="record-channel">Channel</label>
        <select id="record-channel" value={channel} onChange={(event) => setChannel(event.target.value)}>{channels.map((name) => <option key={name}>{name}</option>)}</select>
        <label htmlFor="record-purpose">Purpose</label>
        <select id="record-purpose" value={purpose} onChange={(event) => setPurpose(event.target.value)}>{purposes.map((name) => <option key={name}>{name}</option>)}</select>
        <fieldset>
          <legend>The customer</legend>
          <label><input type="radio" name="status" checked={status === 'GRANTED'} onChange={() => setStatus('GRANTED')} /> agrees</label>
          <label><input type="radio" name="status" checked={status === 'DENIED'} onChange={() => setStatus('DENIED')} /> refuses</label>
        </fieldset>
        <label htmlFor="record-method">Method</label>
        <select id="record-method" value={method} onChange={(event) => setMethod(event.target.value as 'CALL' | 'IN_PERSON')}>
          <option value="CALL">by phone</option>
          <option value="IN_PERSON">in person</option>
        </select>
        <label htmlFor="record-text">Text read to the customer</label>
        <textarea id="record-text" value={textRead} onChange={(event) => setTextRead(event.target.value)} required rows={3} />
        <button disabled={busy}>Record</button>
      </form>
      {message && <p className={message.ok ? 'notice' : 'error-box'} role="status">{message.text}</p>}
    </section>
  );
}
