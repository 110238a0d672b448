import { useState, type FormEvent } from 'react';
import { useConsole } from '../console-context';
import { when } from '../field-state';
import { PreferenceLinkMutation } from '../operations';

/** Makes a preference-centre link for the customer, to send them (by email or chat) so they change their own choices. */
export function PreferenceLinkPanel({ customerId }: { customerId: string }) {
  const { client, purposes } = useConsole();
  const [purpose, setPurpose] = useState(purposes[0] ?? '');
  const [link, setLink] = useState<{ url: string; expiresAt: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const create = async (event: FormEvent) => {
    event.preventDefault();
    const { data, errors } = await client.mutation(PreferenceLinkMutation, { customerId, purpose });
    setLink(data?.createPreferenceLink ?? null);
    setError(data?.createPreferenceLink ? null : errors[0]?.message ?? 'No link was made.');
  };
  return (
    <section className="panel" aria-labelledby="link-title">
      <h2 id="link-title">Preference link</h2>
      <form className="row" onSubmit={(event) => void create(event)}>
        <label htmlFor="link-purpose">About</label>
        <select id="link-purpose" value={purpose} onChange={(event) => setPurpose(event.target.value)}>{purposes.map((name) => <option key={name}>{name}</option>)}</select>
        <button>Make a link</button>
      </form>
      {link && (
        <p className="notice" role="status">
          Send this link to the customer (valid until {when(link.expiresAt)}): <a href={link.url} data-testid="preference-link">{link.url}</a>
        </p>
      )}
      {error && <p className="error-box" role="alert">{error}</p>}
    </section>
  );
}
