import { useCallback, useEffect, useState } from 'react';
import type { ResultOf } from '../../shared/graphql';
import type { GatewayError } from '../../shared/gateway-client';
import { mayUse, useConsole } from '../console-context';
import { CustomerQuery } from '../operations';
import { FieldState } from '../field-state';
import { IdentityPanel } from './identity-panel';
import { ContactPanel } from './contact-panel';
import { ViewsPanel } from './views-panel';
import { ConsentPanel } from './consent-panel';
import { ConsentTimeline } from './consent-timeline';
import { DeliveriesPanel } from './deliveries-panel';
import { RecordConsentForm } from './record-consent-form';
import { PreferenceLinkPanel } from './preference-link-panel';

export type CustomerData = ResultOf<typeof CustomerQuery>;
export type Customer = NonNullable<CustomerData['customer']>;

/**
 * The 360 view of one customer, from one GraphQL query (`CustomerQuery`): who they are in
 * which systems, contact details with provenance and conflicts, the systems' own views,
 * consents (a grid, as of any date), their history and each change's delivery. A failed
 * source is shown failed and a withheld field withheld, never as empty.
 */
export function CustomerPage({ customerId }: { customerId: string }) {
  const { client, roles } = useConsole();
  const [answer, setAnswer] = useState<{ data: CustomerData | undefined; errors: GatewayError[] } | null>(null);

  const load = useCallback(async () => {
    setAnswer(await client.query(CustomerQuery, { id: customerId }));
  }, [client, customerId]);
  useEffect(() => {
    void load();
  }, [load]);

  if (!answer) return <main aria-busy="true">Loading the customer…</main>;
  const { data, errors } = answer;
  const customer = data?.customer;
  if (!customer) {
    const reason = errors.find((error) => error.path?.[0] === 'customer' || !error.path)?.message;
    return <main><p className="error-box" role="alert">{reason ?? 'No such customer.'}</p></main>;
  }
  const at = (...path: (string | number)[]) => ['customer', ...path];

  return (
    <main className="customer-page" data-testid="customer-360">
      <header className="customer-head">
        <h1>
          <FieldState errors={errors} path={at('name')}>{customer.name?.full ?? <span className="muted">no name held</span>}</FieldState>
        </h1>
        <span className="muted">{customer.id}</span>
        <SourceStatus customer={customer} errors={errors} />
      </header>
      <div className="grid">
        <IdentityPanel customer={customer} history={data.identityHistory ?? null} errors={errors} onChanged={load} />
        <ContactPanel customer={customer} errors={errors} />
        <ViewsPanel customer={customer} errors={errors} />
        <ConsentPanel customer={customer} history={data.consentHistory ?? null} errors={errors} />
        {mayUse(roles, 'support-agent') && <RecordConsentForm customerId={customer.id} onRecorded={load} />}
        {mayUse(roles, 'support-agent') && <PreferenceLinkPanel customerId={customer.id} />}
        <ConsentTimeline history={data.consentHistory ?? null} errors={errors} />
        <DeliveriesPanel customer={customer} errors={errors} onReplayed={load} />
      </div>
    </main>
  );
}

/** How each source answered this request: a failed one is named, with its reason. */
function SourceStatus({ customer, errors }: { customer: Customer; errors: readonly GatewayError[] }) {
  return (
    <FieldState errors={errors} path={['customer', 'sources']}>
      <ul className="sources" aria-label="Sources in this request">
        {customer.sources?.map((source) => (
          <li key={source.system} className={`badge ${source.status === 'OK' ? 'ok' : 'bad'}`} title={source.error ?? `${source.latencyMs} ms`}>
            {source.system}: {source.status === 'OK' ? `${source.latencyMs} ms` : `${source.status.toLowerCase()}${source.error ? ` (${source.error})` : ''}`}
          </li>
        ))}
      </ul>
    </FieldState>
  );
}
