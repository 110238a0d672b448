import {
  ConsecutiveBreaker,
  DelegateBackoff,
  circuitBreaker,
  handleWhen,
  retry,
  type CircuitBreakerPolicy,
  type IPolicy,
  type IRetryBackoffContext,
} from 'cockatiel';
import { SourceError } from './source-error';

/** Retry settings of one source. */
export interface RetryOptions {
  /** Retries after the first attempt (idempotent calls only). @default 2 */
  maxRetries?: number;
  /** The first backoff, in ms; doubled per retry, then jittered. @default 100 */
  initialDelayMs?: number;
  /** The longest wait between attempts, in ms; a `Retry-After` longer than this is not waited for. @default 2000 */
  maxDelayMs?: number;
}

/** Circuit breaker settings of one source. */
export interface BreakerOptions {
  /** Consecutive transient failures that open the circuit. @default 5 */
  consecutiveFailures?: number;
  /** How long the circuit stays open before one probe call is let through, in ms. @default 10000 */
  halfOpenAfterMs?: number;
}

/**
 * The policies one source's calls run under. The client nests them as retry (outside,
 * idempotent calls only) -> wait for a connection slot -> breaker -> one HTTP attempt,
 * so the breaker sees each sent attempt and nothing else: not the wait for a slot, and
 * not a call the caller gave up on (a {@link SourceError} with `cancelled`).
 */
export interface ResiliencePolicies {
  /** Shared by every call of the source, so failures of any call count. */
  breaker: CircuitBreakerPolicy;
  /** Retries of idempotent calls; each retry waits for a slot and passes the breaker again. */
  retry: IPolicy;
}

/**
 * Builds the retry and circuit-breaker policies of one source with cockatiel 3.
 * Retries and counts only transient {@link SourceError}s (never a caller's abort), with capped exponential backoff and
 * "equal jitter" (half fixed, half random), never shorter than the source's `Retry-After`.
 */
export function createResiliencePolicies(
  { maxRetries = 2, initialDelayMs = 100, maxDelayMs = 2000 }: RetryOptions = {},
  { consecutiveFailures = 5, halfOpenAfterMs = 10_000 }: BreakerOptions = {},
): ResiliencePolicies {
  const breaker = circuitBreaker(
    handleWhen((error) => error instanceof SourceError && error.transient),
    { halfOpenAfter: halfOpenAfterMs, breaker: new ConsecutiveBreaker(consecutiveFailures) },
  );
  // A Retry-After longer than we are willing to wait is an answer, not something to sit out.
  const retryable = handleWhen(
    (error) => error instanceof SourceError && error.transient && (error.retryAfterMs ?? 0) <= maxDelayMs,
  );
  const backoff = new DelegateBackoff((context: IRetryBackoffContext<unknown>) => {
    const exponential = Math.min(maxDelayMs, initialDelayMs * 2 ** (context.attempt - 1));
    const jittered = exponential / 2 + Math.random() * (exponential / 2);
    const error = 'error' in context.result ? context.result.error : undefined;
    const asked = error instanceof SourceError ? (error.retryAfterMs ?? 0) : 0;
    return Math.min(maxDelayMs, Math.max(jittered, asked));
  });
  return { breaker, retry: retry(retryable, { maxAttempts: maxRetries, backoff }) };
}
