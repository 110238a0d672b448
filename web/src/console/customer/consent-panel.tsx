import { useState } from 'react';
import type { ResultOf } from '../../shared/graphql';
import type { GatewayError } from '../../shared/gateway-client';
import { useConsole } from '../console-context';
import { FieldState, StatusBadge, when } from '../field-state';
import { ConsentAtQuery } from '../operations';
import type { Customer, CustomerData } from './customer-page';

type Consent = NonNullable<ResultOf<typeof ConsentAtQuery>['consentAt']>[number];

/**
 * The consents as a channel x purpose grid (status, expiry, source and evidence), now or
 * as of any date (`consentAt`), and drift: which system still believes another answer.
 */
export function ConsentPanel({ customer, history, errors }: { customer: Customer; history: CustomerData['consentHistory'] | null; errors: readonly GatewayError[] }) {
  const { client, channels, purposes } = useConsole();
  const [asOf, setAsOf] = useState('');
  const [past, setPast] = useState<{ consents: readonly Consent[] | null; errors: GatewayError[] } | null>(null);

  const showAsOf = async (value: string) => {
    setAsOf(value);
    if (!value) return setPast(null);
    const { data, errors: failed } = await client.query(ConsentAtQuery, { id: customer.id, at: new Date(value).toISOString() });
    setPast({ consents: data?.consentAt ?? null, errors: failed });
  };
  const consents = past ? past.consents : customer.consents;
  const gridErrors = past ? past.errors.map((error) => ({ ...error, path: error.path && ['customer', 'consents', ...error.path.slice(1)] })) : errors;
  const evidence = (eventId: string) => history?.edges.find((edge) => edge.node.id === eventId)?.node.evidence;

  return (
    <section className="panel wide" aria-labelledby="consent-title">
      <h2 id="consent-title">Consents {past && <span className="badge info">as of {when(new Date(asOf).toISOString())}</span>}</h2>
      <label className="as-of">
        Show as of <input type="datetime-local" value={asOf} onChange={(event) => void showAsOf(event.target.value)} />
        {asOf && <button className="secondary" onClick={() => void showAsOf('')}>Now</button>}
      </label>
      <FieldState errors={gridErrors} path={['customer', 'consents']}>
        <table className="consent-grid" data-testid="consent-grid">
          <thead>
            <tr><th scope="col">Channel</th>{purposes.map((purpose) => <th scope="col" key={purpose}>{purpose}</th>)}</tr>
          </thead>
          <tbody>
            {channels.map((channel) => (
              <tr key={channel}>
                <th scope="row">{channel}</th>
                {purposes.map((purpose) => {
                  const cell = (consents ?? []).filter((consent) => consent.channel === channel && consent.purpose === purpose);
                  return (
                    <td key={purpose} data-testid={`consent-${channel}-${purpose}`}>
                      {cell.length === 0 && <StatusBadge status="UNKNOWN" />}
                      {cell.map((consent) => {
                        const shown = evidence(consent.eventId);
                        return (
                          <div key={consent.eventId + (consent.contactPoint ?? '')} className="consent-cell">
                            <StatusBadge status={consent.status} /> {consent.contactPoint && <span className="muted">{consent.contactPoint}</span>}
                            <div className="muted">
                              {consent.source.system} · {when(consent.capturedAt)}
                              {consent.expiresAt && <> · expires {when(consent.expiresAt)}</>}
                            </div>
                            {shown?.textShown && <details><summary>evidence</summary>“{shown.textShown}”{shown.noticeVersion && <> (notice {shown.noticeVersion})</>}</details>}
                          </div>
                        );
                      })}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </FieldState>
      <h3>Drift: systems that still believe another answer</h3>
      <FieldState errors={errors} path={['customer', 'consentDrift']}>
        {customer.consentDrift?.length ? (
          <ul data-testid="consent-drift">
            {customer.consentDrift.flatMap((drift) =>
              drift.disagreements.map((disagreement) => (
                <li key={`${drift.system}:${drift.recordId}:${disagreement.channel}:${disagreement.purpose}:${disagreement.contactPoint ?? ''}`}>
                  <strong>{drift.system}</strong> holds <StatusBadge status={disagreement.sourceStatus} /> for {disagreement.channel} / {disagreement.purpose}
                  {disagreement.contactPoint && <> ({disagreement.contactPoint})</>}; the store holds <StatusBadge status={disagreement.storeStatus} />
                </li>
              )),
            )}
          </ul>
        ) : (
          <p className="muted">Every system agrees with the consent store.</p>
        )}
      </FieldState>
    </section>
  );
}
