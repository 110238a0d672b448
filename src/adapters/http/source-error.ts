import { ErrorCode } from '../../errors/error-codes';
import { GatewayError } from '../../errors/gateway-error';

/**
 * Why a call to a source system failed. `TIMEOUT`, `UNAVAILABLE` and `RATE_LIMITED`
 * are transient (retried when the call is idempotent, counted by the circuit breaker),
 * unless the caller gave up (see {@link SourceErrorOptions.cancelled}); the others are
 * answers the source gave on purpose.
 */
export type SourceErrorKind =
  | 'TIMEOUT'
  | 'UNAVAILABLE'
  | 'CIRCUIT_OPEN'
  | 'AUTH'
  | 'BAD_REQUEST'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'RATE_LIMITED'
  | 'CALL_LIMIT';

/** Options of a {@link SourceError}. */
export interface SourceErrorOptions {
  /** The HTTP status the source answered with, when it answered. */
  status?: number;
  /** The vendor's own error code (`INVALID_SESSION_ID`, `invalidFilter`, ...); never personal data. */
  vendorCode?: string;
  /** How long the source asked us to wait (`Retry-After`), in ms. */
  retryAfterMs?: number;
  /** The underlying error or vendor error body, kept for the log, never shown to the caller. */
  cause?: unknown;
  /**
   * The caller gave up (its signal fired), while the call waited for a connection or
   * after it was sent: the source did nothing wrong, so the failure is not transient
   * (not retried, not counted by the breaker, not a degradation). @default false
   */
  cancelled?: boolean;
  /** A few words of our own for the parenthesis after the reason (`at most 100 source calls per request`); never personal data. */
  note?: string;
}

const messages: Record<SourceErrorKind, string> = {
  TIMEOUT: 'did not answer in time',
  UNAVAILABLE: 'is unavailable',
  CIRCUIT_OPEN: 'is failing; calls are paused until it recovers',
  AUTH: 'rejected the gateway\'s credentials',
  BAD_REQUEST: 'rejected the request',
  NOT_FOUND: 'has no such record',
  CONFLICT: 'refused a write that conflicts with its current data',
  RATE_LIMITED: 'is rate-limiting the gateway',
  CALL_LIMIT: 'was not called: this request has made as many source calls as one request may',
};

/** The kinds that say the source is in trouble rather than answering on purpose. */
const transientKinds: ReadonlySet<SourceErrorKind> = new Set(['TIMEOUT', 'UNAVAILABLE', 'RATE_LIMITED']);

/**
 * The one error family every adapter throws. It is a {@link GatewayError} with code
 * `SOURCE_UNAVAILABLE`: this constructor is the one place where a source failure maps
 * to the API's error codes. The message names the system and the reason, never a value.
 */
export class SourceError extends GatewayError {
  /** Why the call failed. */
  readonly kind: SourceErrorKind;
  /** The configured system name. */
  readonly system: string;
  readonly status?: number;
  readonly vendorCode?: string;
  readonly retryAfterMs?: number;
  /** The caller gave up; says nothing about the source. */
  readonly cancelled: boolean;

  constructor(system: string, kind: SourceErrorKind, options: SourceErrorOptions = {}) {
    const detail = [options.status && `HTTP ${options.status}`, options.vendorCode, options.note].filter(Boolean).join(' ');
    super(ErrorCode.SOURCE_UNAVAILABLE, `The ${system} system ${messages[kind]}${detail ? ` (${detail})` : ''}.`, {
      cause: options.cause,
      extensions: { system, reason: kind },
    });
    this.name = 'SourceError';
    this.kind = kind;
    this.system = system;
    this.status = options.status;
    this.vendorCode = options.vendorCode;
    this.retryAfterMs = options.retryAfterMs;
    this.cancelled = options.cancelled ?? false;
  }

  /** True when the failure says the source is in trouble (worth a retry, counted by the breaker); never for a caller's abort. */
  get transient(): boolean {
    return transientKinds.has(this.kind) && !this.cancelled;
  }

  /** A short, personal-data-free label for health reports: kind, status and vendor code. */
  get label(): string {
    return [this.kind, this.status && `HTTP ${this.status}`, this.vendorCode].filter(Boolean).join(' ');
  }
}

/**
 * A lookup that needed every source, when some of them failed: one SOURCE_UNAVAILABLE
 * naming each failed system in its message, with `extensions.system` and
 * `extensions.reason` of the first (by name), as every source failure has, and
 * `extensions.systems` listing them all.
 */
export function sourcesUnavailableError(failures: readonly SourceError[], what: string): GatewayError {
  const sorted = [...failures].sort((a, b) => a.system.localeCompare(b.system));
  const first = sorted[0]!;
  return new GatewayError(
    ErrorCode.SOURCE_UNAVAILABLE,
    `${what}: ${sorted.map((failure) => failure.message.replace(/^The /, 'the ').replace(/\.$/, '')).join('; ')}. Retry when ${sorted.length > 1 ? 'they answer' : 'it answers'}.`,
    { extensions: { system: first.system, reason: first.kind, systems: sorted.map((failure) => failure.system) } },
  );
}

/** The kind an HTTP status means when the vendor's body says nothing more specific. */
export function kindFromStatus(status: number): SourceErrorKind {
  if (status === 401 || status === 403) return 'AUTH';
  if (status === 404 || status === 410) return 'NOT_FOUND';
  if (status === 408) return 'TIMEOUT';
  if (status === 409 || status === 412) return 'CONFLICT';
  if (status === 429) return 'RATE_LIMITED';
  if (status >= 500) return 'UNAVAILABLE';
  return 'BAD_REQUEST';
}
