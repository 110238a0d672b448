import type { SourceErrorKind } from '../adapters/http/source-error';

/** How one source answered this request's calls (`Customer.sources`). */
export type SourceCallStatus = 'OK' | 'TIMEOUT' | 'ERROR';

/** One source's part in a profile: whether its records came back, and how fast. */
export interface SourceCallReport {
  system: string;
  status: SourceCallStatus;
  /** Time of the batch call that fetched (or failed to fetch) the records. */
  latencyMs: number;
  /** Why it failed, in words fit for the caller (no personal data), a clause without a final full stop; null when OK. */
  error: string | null;
  /** Why it failed, as `extensions.reason` says it (the source error's kind: TIMEOUT, UNAVAILABLE, ...); absent when OK. */
  reason?: SourceErrorKind;
}

/** A source's records could not be fetched; the loader answers this for each of the batch's keys. */
export class SourceFetchError extends Error {
  constructor(readonly report: SourceCallReport & { status: 'TIMEOUT' | 'ERROR'; reason: SourceErrorKind }) {
    super(report.error ?? `${report.system} failed`);
    this.name = 'SourceFetchError';
  }
}
