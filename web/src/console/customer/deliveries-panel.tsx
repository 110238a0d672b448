import { useState } from 'react';
import type { GatewayError } from '../../shared/gateway-client';
import { mayUse, useConsole } from '../console-context';
import { FieldState, StatusBadge, when } from '../field-state';
import { ReplayMutation } from '../operations';
import type { Customer } from './customer-page';

/** Where the customer's consent changes stand with each system; dead ones can be replayed by a steward. */
export function DeliveriesPanel({ customer, errors, onReplayed }: { customer: Customer; errors: readonly GatewayError[]; onReplayed: () => Promise<void> }) {
  const { client, roles } = useConsole();
  const [message, setMessage] = useState<{ text: string; ok: boolean } | null>(null);
  const dead = customer.deliveries?.filter((delivery) => delivery.status === 'DEAD').length ?? 0;
  const replay = async () => {
    const { data, errors: failed } = await client.mutation(ReplayMutation, { customerId: customer.id, reason: 'replayed from the console' });
    setMessage(data?.replayDeliveries ? { text: `${data.replayDeliveries.requeued} delivery(ies) queued again.`, ok: true } : { text: failed[0]?.message ?? 'The replay failed.', ok: false });
    await onReplayed();
  };
  return (
    <section className="panel wide" aria-labelledby="deliveries-title">
      <h2 id="deliveries-title">Delivery to the systems</h2>
      <FieldState errors={errors} path={['customer', 'deliveries']}>
        <table data-testid="deliveries">
          <thead><tr><th>System</th><th>Status</th><th>Attempts</th><th>Queued</th><th>Delivered</th><th>Last error / note</th></tr></thead>
          <tbody>
            {customer.deliveries?.map((delivery) => (
              <tr key={`${delivery.eventId}:${delivery.system}`}>
                <td>{delivery.system}</td>
                <td><StatusBadge status={delivery.status} /></td>
                <td>{delivery.attempts}</td>
                <td>{when(delivery.queuedAt)}</td>
                <td>{when(delivery.deliveredAt)}</td>
                <td>{delivery.lastError ?? delivery.note ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {customer.deliveries?.length === 0 && <p className="muted">No consent change to deliver yet.</p>}
      </FieldState>
      {dead > 0 && mayUse(roles, 'data-steward') && <button onClick={() => void replay()}>Replay {dead} dead deliveries</button>}
      {message && <p className={message.ok ? 'notice' : 'error-box'} role="status">{message.text}</p>}
    </section>
  );
}
