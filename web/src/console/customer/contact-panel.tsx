import type { ReactNode } from 'react';
import type { GatewayError } from '../../shared/gateway-client';
import { FieldState, when } from '../field-state';
import type { Customer } from './customer-page';

/**
 * Contact details, each with where its value came from (system, record, time, rule) one
 * click away, and every field the systems disagree on side by side with the winner and why.
 */
export function ContactPanel({ customer, errors }: { customer: Customer; errors: readonly GatewayError[] }) {
  const address = (entry: NonNullable<Customer['addresses']>[number]) =>
    [entry.line1, entry.line2, entry.city, entry.region, entry.postalCode, entry.country].filter(Boolean).join(', ');
  const rows: { field: string; label: string; value: ReactNode }[] = [
    { field: 'name', label: 'Name', value: customer.name?.full },
    { field: 'emails', label: 'Emails', value: customer.emails?.join(', ') },
    { field: 'phones', label: 'Phones', value: customer.phones?.join(', ') },
    { field: 'addresses', label: 'Addresses', value: customer.addresses?.map(address).join(' · ') },
    { field: 'birthDate', label: 'Birth date', value: customer.birthDate },
    { field: 'locale', label: 'Language', value: customer.locale },
  ];
  return (
    <section className="panel" aria-labelledby="contact-title">
      <h2 id="contact-title">Contact details</h2>
      <table className="contact">
        <tbody>
          {rows.map(({ field, label, value }) => (
            <tr key={field}>
              <th scope="row">{label}</th>
              <td>
                <FieldState errors={errors} path={['customer', field]}>
                  {value || <span className="muted">none held</span>}
                  <Provenance customer={customer} field={field} errors={errors} />
                </FieldState>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>Where the systems disagree</h3>
      <FieldState errors={errors} path={['customer', 'conflicts']}>
        {customer.conflicts?.length ? (
          customer.conflicts.map((conflict) => (
            <div className="conflict" key={conflict.field} data-testid={`conflict-${conflict.field}`}>
              <h4>{conflict.field}</h4>
              <ul className="side-by-side">
                {conflict.values.map((value) => {
                  const won = conflict.winner?.system === value.system && conflict.winner.recordId === value.recordId;
                  return (
                    <li key={`${value.system}:${value.recordId}`} className={won ? 'winner' : undefined}>
                      <strong>{value.system}</strong> {won && <span className="badge ok">wins</span>}
                      <div>{value.value}</div>
                      <div className="muted">updated {when(value.updatedAt)}</div>
                    </li>
                  );
                })}
              </ul>
              <p className="muted">Why: {conflict.reason}</p>
            </div>
          ))
        ) : (
          <p className="muted">The systems agree on every field.</p>
        )}
      </FieldState>
    </section>
  );
}

/** Where a field's value came from: an expandable list of the records and rules. */
function Provenance({ customer, field, errors }: { customer: Customer; field: string; errors: readonly GatewayError[] }) {
  const entries = customer.provenance?.filter((entry) => entry.field === field) ?? [];
  if (errors.some((error) => error.path?.[1] === 'provenance' && error.code === 'FORBIDDEN')) return <span className="badge warn">source withheld for your role</span>;
  if (entries.length === 0) return null;
  return (
    <details className="provenance">
      <summary>from {[...new Set(entries.map((entry) => entry.system))].join(', ')}</summary>
      <ul>
        {entries.map((entry) => (
          <li key={`${entry.system}:${entry.recordId}`}>
            {entry.system} record <code>{entry.recordId}</code>, updated {when(entry.updatedAt)}, chosen by rule <strong>{entry.rule}</strong>
          </li>
        ))}
      </ul>
    </details>
  );
}
