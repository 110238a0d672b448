import type { ReactNode } from 'react';
import { errorsAt, type GatewayError } from '../shared/gateway-client';

/**
 * A field as the gateway answered it: withheld for the person's role (FORBIDDEN), failed
 * because its source failed (SOURCE_UNAVAILABLE and the like), or its content. A field
 * is never left out silently.
 */
export function FieldState({ errors, path, children }: { errors: readonly GatewayError[]; path: readonly (string | number)[]; children: ReactNode }) {
  const [error] = errorsAt(errors, path);
  if (!error) return <>{children}</>;
  if (error.code === 'FORBIDDEN') return <span className="badge warn" title={error.message}>withheld for your role</span>;
  return <span className="badge bad" role="status" title={error.message}>failed: {error.message}</span>;
}

/** An instant as a person reads it, in their locale and time zone. */
export function when(iso: string | null | undefined): string {
  return iso ? new Date(iso).toLocaleString() : '–';
}

/** A status word with its colour: green for what allows contact, red for what forbids it, amber for the rest. */
export function StatusBadge({ status }: { status: string }) {
  const tone = status === 'GRANTED' || status === 'DELIVERED' || status === 'OK' || status === 'HEALTHY' || status === 'CLOSED'
    ? 'ok'
    : status === 'DENIED' || status === 'DEAD' || status === 'ERROR' || status === 'TIMEOUT' || status === 'UNAVAILABLE' || status === 'OPEN'
      ? 'bad'
      : status === 'SKIPPED' || status === 'SUPERSEDED' ? 'info' : 'warn';
  return <span className={`badge ${tone}`}>{status}</span>;
}
