import type { GatewayError } from '../../shared/gateway-client';
import { FieldState, StatusBadge, when } from '../field-state';
import type { CustomerData } from './customer-page';

/** Every consent and preference change, newest first: what changed, when, from where, by whom, and where it was delivered. */
export function ConsentTimeline({ history, errors }: { history: CustomerData['consentHistory'] | null; errors: readonly GatewayError[] }) {
  return (
    <section className="panel wide" aria-labelledby="timeline-title">
      <h2 id="timeline-title">Consent history</h2>
      <FieldState errors={errors} path={['consentHistory']}>
        <ol className="timeline" data-testid="consent-timeline">
          {history?.edges.map(({ node: event }) => (
            <li key={event.id} data-testid="timeline-event">
              <div className="when">
                {when(event.capturedAt)}
                {event.recordedAt !== event.capturedAt && <span className="muted"> (recorded {when(event.recordedAt)})</span>}
              </div>
              <div>
                {event.consent ? (
                  <>
                    {event.consent.channel} / {event.consent.purpose}
                    {event.consent.contactPoint && <span className="muted"> ({event.consent.contactPoint})</span>}:{' '}
                    <StatusBadge status={event.consent.from} /> → <StatusBadge status={event.consent.to} />
                  </>
                ) : (
                  <>preferences: {Object.entries(event.preferences?.to ?? {}).filter(([, value]) => value !== null && value !== undefined).map(([key, value]) => `${key} ${Array.isArray(value) ? value.join(', ') : String(value)}`).join('; ')}</>
                )}
                {!event.current && <span className="badge info">arrived late; not current</span>}
              </div>
              <div className="muted">
                from {event.source.system} · {event.method.toLowerCase().replace('_', ' ')} · by {event.actor.kind.toLowerCase()} {event.actor.id}
                {event.evidence?.textShown && <> · “{event.evidence.textShown}”</>}
              </div>
              <ul className="deliveries" aria-label="Delivery to the systems">
                {event.deliveries?.map((delivery) => (
                  <li key={delivery.system} title={delivery.lastError ?? delivery.note ?? ''}>
                    {delivery.system} <StatusBadge status={delivery.status} />
                  </li>
                ))}
              </ul>
            </li>
          ))}
        </ol>
        {history?.edges.length === 0 && <p className="muted">No consent was ever recorded.</p>}
      </FieldState>
    </section>
  );
}
