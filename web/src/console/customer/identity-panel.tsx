import { useState, type FormEvent } from 'react';
import type { GatewayError } from '../../shared/gateway-client';
import { mayUse, useConsole } from '../console-context';
import { FieldState, when } from '../field-state';
import { LinkRecordsMutation, UnlinkRecordMutation } from '../operations';
import type { Customer, CustomerData } from './customer-page';

/**
 * Which records in which systems make up the customer, linked by which rule or person
 * (the identity history, for the roles that may read it); stewards link and unlink.
 */
export function IdentityPanel({ customer, history, errors, onChanged }: {
  customer: Customer;
  history: CustomerData['identityHistory'] | null;
  errors: readonly GatewayError[];
  onChanged: () => Promise<void>;
}) {
  const { client, roles, navigate } = useConsole();
  const steward = mayUse(roles, 'data-steward');
  const [message, setMessage] = useState<{ text: string; ok: boolean } | null>(null);
  const [linkTarget, setLinkTarget] = useState('');
  const [reason, setReason] = useState('');

  const linkedBy = (system: string, recordId: string): string | null => {
    const event = history?.find((entry) => entry.type === 'LINK' || entry.type === 'MERGE' ? entry.records.some((record) => record.system === system && record.recordId === recordId) : false);
    return event ? `${event.rule}${event.actor ? ` by ${event.actor}` : ''}, ${when(event.at)}` : null;
  };
  const unlink = async (system: string, recordId: string) => {
    if (!reason.trim()) return setMessage({ text: 'Give a reason first: it is kept with the change.', ok: false });
    const { data, errors: failed } = await client.mutation(UnlinkRecordMutation, { record: { system, recordId }, reason: reason.trim() });
    await onChanged(); // the records shown are the new ones before the message says so
    setMessage(data?.unlinkRecord ? { text: `Unlinked: the record is now customer ${data.unlinkRecord.split.id}.`, ok: true } : { text: failed[0]?.message ?? 'The unlink failed.', ok: false });
  };
  const link = async (event: FormEvent) => {
    event.preventDefault();
    const match = /^([\w-]+):(\S+)$/.exec(linkTarget.trim());
    if (!match) return setMessage({ text: 'Name the record as system:recordId, e.g. salesforce:003...', ok: false });
    if (!reason.trim()) return setMessage({ text: 'Give a reason first: it is kept with the change.', ok: false });
    const own = customer.sourceRecords?.[0];
    if (!own) return setMessage({ text: 'This customer has no record to link to.', ok: false });
    const { data, errors: failed } = await client.mutation(LinkRecordsMutation, { records: [{ system: own.system, recordId: own.recordId }, { system: match[1]!, recordId: match[2]! }], reason: reason.trim() });
    if (data?.linkRecords && data.linkRecords.id !== customer.id) navigate(`/console/?customer=${encodeURIComponent(data.linkRecords.id)}`);
    else await onChanged();
    setMessage(data?.linkRecords ? { text: 'Linked.', ok: true } : { text: failed[0]?.message ?? 'The link failed.', ok: false });
  };

  return (
    <section className="panel" aria-labelledby="identity-title">
      <h2 id="identity-title">Identity</h2>
      <FieldState errors={errors} path={['customer', 'sourceRecords']}>
        <table>
          <thead><tr><th>System</th><th>Record</th><th>Updated</th><th>Linked by</th>{steward && <th><span className="visually-hidden">Actions</span></th>}</tr></thead>
          <tbody>
            {customer.sourceRecords?.map((record) => (
              <tr key={`${record.system}:${record.recordId}`}>
                <td>{record.system}</td>
                <td><code>{record.recordId}</code></td>
                <td>{when(record.updatedAt)}</td>
                <td>
                  <FieldState errors={errors} path={['identityHistory']}>{linkedBy(record.system, record.recordId) ?? <span className="muted">not recorded</span>}</FieldState>
                </td>
                {steward && <td><button className="secondary" onClick={() => void unlink(record.system, record.recordId)}>Unlink</button></td>}
              </tr>
            ))}
          </tbody>
        </table>
      </FieldState>
      {steward && (
        <form className="steward-actions" onSubmit={(event) => void link(event)}>
          <label>Reason for the change <input value={reason} onChange={(event) => setReason(event.target.value)} required /></label>
          <label>Link another record (system:recordId) <input value={linkTarget} onChange={(event) => setLinkTarget(event.target.value)} /></label>
          <button>Link</button>
        </form>
      )}
      {message && <p className={message.ok ? 'notice' : 'error-box'} role="status">{message.text}</p>}
    </section>
  );
}
