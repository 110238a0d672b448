import { performance } from 'node:perf_hooks';
import { BrokenCircuitError, IsolatedCircuitError, TaskCancelledError } from 'cockatiel';
import { Pool } from 'undici';
import type { Logger } from '../../observability/logger';
import type { GatewayMetrics } from '../../observability/metrics';
import type { SystemHealth } from '../../systems/system-status';
import { CallBudget } from './call-budget';
import { ConnectionSlots } from './connection-slots';
import { isIdempotent, type HttpRequest, type HttpResponse } from './http-request';
import { createResiliencePolicies, type BreakerOptions, type ResiliencePolicies, type RetryOptions } from './resilience-policy';
import { parseRetryAfter } from './retry-after';
import { SourceError, kindFromStatus } from './source-error';
import { SourceHealth } from './source-health';

/** Options of a {@link ResilientHttpClient}: one source's connection, timeouts, retries and breaker. */
export interface ResilientHttpClientOptions {
  /** The configured system name: metrics label and error messages. */
  system: string;
  /** Where calls go; relative request paths resolve under its path. */
  baseUrl: string;
  /** Where calls are counted and timed. @default none */
  metrics?: GatewayMetrics;
  /** Where circuit changes are logged (system name and error label only). @default none */
  logger?: Logger;
  /** Calls sent at once (and connections per origin); more wait in the client's own queue, lane by lane. @default 10 */
  maxConnections?: number;
  /** Time to establish a TCP/TLS connection, in ms. @default 5000 */
  connectTimeoutMs?: number;
  /** Time from sending a request to receiving the response headers, in ms. @default 10000 */
  headersTimeoutMs?: number;
  /** Longest pause between body chunks, in ms. @default 10000 */
  bodyTimeoutMs?: number;
  /** How long an idle keep-alive connection is kept, in ms. @default 30000 */
  keepAliveTimeoutMs?: number;
  /** Retries of idempotent calls. */
  retry?: RetryOptions;
  /** The circuit breaker. */
  breaker?: BreakerOptions;
}

/**
 * The one HTTP layer every adapter uses, modelled on @apollo/datasource-rest's
 * RESTDataSource: a vendor subclass overrides only the protected hooks for what is odd
 * about that vendor (credentials in {@link willSendRequest}, error bodies in
 * {@link errorFromResponse}, usage headers in {@link didReceiveResponse}).
 *
 * Underneath: the client's own queue of calls waiting for one of `maxConnections` slots
 * ({@link ConnectionSlots}); an undici `Pool` per origin (keep-alive, connect, headers
 * and body timeouts); cockatiel retries for idempotent calls only, around a circuit
 * breaker shared by all calls of the source that counts only what the source did (an
 * error or a timeout of a sent request; never a wait for a slot or a caller's abort);
 * a time budget per call that starts when the call is sent; every HTTP attempt timed
 * and counted in `gateway_source_calls_total` / `gateway_source_call_duration_seconds`;
 * every failure a {@link SourceError}.
 */
export class ResilientHttpClient {
  /** The configured system name. */
  readonly system: string;
  /** The configured base URL (never carries a credential). */
  readonly baseUrl: URL;
  protected readonly health = new SourceHealth();
  private readonly policies: ResiliencePolicies;
  private readonly pools = new Map<string, Pool>();
  /** Our queue in front of the pool: at most maxConnections calls sent at once. */
  private readonly slots: ConnectionSlots;
  private readonly metrics?: GatewayMetrics;
  private readonly poolOptions: Pool.Options;

  constructor({
    system,
    baseUrl,
    metrics,
    logger,
    maxConnections = 10,
    connectTimeoutMs = 5000,
    headersTimeoutMs = 10_000,
    bodyTimeoutMs = 10_000,
    keepAliveTimeoutMs = 30_000,
    retry,
    breaker,
  }: ResilientHttpClientOptions) {
    this.system = system;
    this.baseUrl = new URL(baseUrl.endsWith('/') ? baseUrl.slice(0, -1) : baseUrl);
    this.metrics = metrics;
    this.policies = createResiliencePolicies(retry, breaker);
    if (logger) {
      const circuit = this.policies.breaker;
      circuit.onBreak(() => logger.warn({ system, lastError: this.healthSnapshot().lastError }, 'source circuit opened: calls fail fast'));
      circuit.onHalfOpen(() => logger.info({ system }, 'source circuit half-open: probing'));
      circuit.onReset(() => logger.info({ system }, 'source circuit closed'));
    }
    this.slots = new ConnectionSlots(maxConnections);
    this.poolOptions = {
      connections: maxConnections,
      keepAliveTimeout: keepAliveTimeoutMs,
      connect: { timeout: connectTimeoutMs },
      headersTimeout: headersTimeoutMs,
      bodyTimeout: bodyTimeoutMs,
    };
  }

  /**
   * Sends one call: credentials first (outside the breaker, so fetching a token never
   * waits on a half-open probe that is itself waiting for the token), then the attempts.
   * Each attempt waits for a connection slot (our queue: not the source's time, not its
   * failure), then passes the breaker and is sent; the call's budget starts with the first
   * attempt sent. Resolves with any 2xx-3xx answer; throws a {@link SourceError} otherwise
   * (CALL_LIMIT, unsent, when the request's `sourceCalls` allowance is spent).
   */
  async send<T = unknown>(request: HttpRequest): Promise<HttpResponse<T>> {
    request.sourceCalls?.take(this.system); // refused before anything is sent, queued or counted against the source
    const prepared: HttpRequest = { ...request, headers: { ...request.headers } };
    await this.willSendRequest(prepared);
    const url = this.resolveUrl(prepared);
    const budget = prepared.budgetMs === undefined ? undefined : new CallBudget(prepared.budgetMs);
    const call: CallSignals = { caller: prepared.signal, budget, signal: anySignal(prepared.signal, budget?.signal) };
    const sendOnce = async (): Promise<HttpResponse> => {
      const release = await this.slots.acquire(prepared.lane, call.signal);
      budget?.start();
      try {
        return await this.policies.breaker.execute(() => this.attempt(prepared, url, call), call.signal);
      } finally {
        release();
      }
    };
    try {
      const execution = isIdempotent(prepared) ? this.policies.retry.execute(sendOnce, call.signal) : sendOnce();
      return (await untilAborted(execution, call, this.system)) as HttpResponse<T>;
    } catch (error) {
      if (error instanceof BrokenCircuitError || error instanceof IsolatedCircuitError) {
        this.metrics?.sourceCalls.inc({ system: this.system, operation: prepared.operation, outcome: 'circuit_open' });
        throw new SourceError(this.system, 'CIRCUIT_OPEN', { cause: error });
      }
      if (error instanceof SourceError) throw error;
      // Given up before a send (in a backoff or waiting for a slot): the caller's abort or the budget.
      if (call.signal?.aborted) throw abortError(call, this.system, error);
      throw error;
    } finally {
      budget?.stop();
    }
  }

  /** Health as seen from this process: breaker state, last error, median latency, API usage. */
  healthSnapshot(): SystemHealth {
    return this.health.snapshot(this.policies.breaker.state);
  }

  /** Closes every pool; in-flight calls finish first. */
  async close(): Promise<void> {
    await Promise.all([...this.pools.values()].map((pool) => pool.close()));
    this.pools.clear();
  }

  /** Hook: add credentials and vendor headers. `request.headers` is the call's own copy. */
  protected willSendRequest(_request: HttpRequest): void | Promise<void> {}

  /** Hook: the absolute URL of a request; relative paths go under the base URL's path. */
  protected resolveUrl(request: HttpRequest): URL {
    const url = /^https?:\/\//.test(request.path)
      ? new URL(request.path)
      : new URL(`${this.baseUrl.pathname === '/' ? '' : this.baseUrl.pathname}${request.path}`, this.baseUrl.origin);
    for (const [key, value] of Object.entries(request.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    return url;
  }

  /** Hook: turn a 4xx/5xx answer into a typed error; vendors override to read their error body. */
  protected errorFromResponse(response: HttpResponse, _request: HttpRequest): SourceError {
    return new SourceError(this.system, kindFromStatus(response.status), {
      status: response.status,
      retryAfterMs: parseRetryAfter(response.headers['retry-after']),
    });
  }

  /** Hook: look at every answer, success or not (usage headers and the like). */
  protected didReceiveResponse(_response: HttpResponse, _request: HttpRequest): void {}

  /** Hook: whether a failure makes the source DEGRADED for a while: trouble, or credentials it refuses. */
  protected isDegrading(error: SourceError): boolean {
    return error.transient || error.kind === 'AUTH';
  }

  /** One HTTP attempt, timed and counted; every failure leaves as a SourceError. */
  private async attempt(request: HttpRequest, url: URL, call: CallSignals): Promise<HttpResponse> {
    // Given up during a backoff: no call, nothing counted (neither metric nor breaker).
    if (call.signal?.aborted) throw new TaskCancelledError();
    const started = performance.now();
    let outcome = 'ok';
    let cancelled = false;
    try {
      const { body, contentType } = encodeBody(request);
      const headers = { accept: 'application/json', ...(contentType && { 'content-type': contentType }), ...request.headers };
      const answer = await this.poolFor(url.origin).request({
        method: request.method,
        path: `${url.pathname}${url.search}`,
        headers,
        body,
        signal: call.signal,
      });
      const response: HttpResponse = {
        status: answer.statusCode,
        headers: answer.headers,
        body: await readBody(answer.body, answer.headers['content-type']),
      };
      this.didReceiveResponse(response, request);
      if (response.status >= 400) throw this.errorFromResponse(response, request);
      return response;
    } catch (error) {
      const failure = error instanceof SourceError ? error : this.errorFromTransport(error, call);
      cancelled = failure.cancelled;
      outcome = cancelled ? 'cancelled' : failure.kind.toLowerCase();
      // A 404 is an answer (a fetch miss), and a caller's abort says nothing about the source.
      if (failure.kind !== 'NOT_FOUND' && !cancelled) this.health.recordError(failure.label, this.isDegrading(failure));
      throw failure;
    } finally {
      const elapsedMs = performance.now() - started;
      this.metrics?.sourceCalls.inc({ system: this.system, operation: request.operation, outcome });
      // A call cut short by its caller is no measure of the source's speed.
      if (!cancelled) {
        this.health.recordLatency(elapsedMs);
        this.metrics?.sourceDuration.observe({ system: this.system, operation: request.operation }, elapsedMs / 1000);
      }
    }
  }

  /**
   * Connection-level failures: the caller's abort is a cancelled TIMEOUT (not the source's
   * fault); the call's budget running out and the pool's timeouts are TIMEOUT (a sent
   * request went unanswered); anything else UNAVAILABLE.
   */
  private errorFromTransport(error: unknown, call: CallSignals): SourceError {
    if (call.caller?.aborted) return new SourceError(this.system, 'TIMEOUT', { cancelled: true, cause: error });
    const code = (error as { code?: string }).code;
    const timedOut =
      call.budget?.expired ||
      code === 'UND_ERR_CONNECT_TIMEOUT' ||
      code === 'UND_ERR_HEADERS_TIMEOUT' ||
      code === 'UND_ERR_BODY_TIMEOUT';
    return new SourceError(this.system, timedOut ? 'TIMEOUT' : 'UNAVAILABLE', {
      vendorCode: typeof code === 'string' ? code : undefined,
      cause: error,
    });
  }

  private poolFor(origin: string): Pool {
    let pool = this.pools.get(origin);
    if (!pool) {
      pool = new Pool(origin, this.poolOptions);
      this.pools.set(origin, pool);
    }
    return pool;
  }
}

/** What can end one call early: the caller's signal, the call's budget, and the two combined. */
interface CallSignals {
  caller?: AbortSignal;
  budget?: CallBudget;
  signal?: AbortSignal;
}

/**
 * The call's own signal, which fires when any of `signals` does. Always a new one, even over
 * one signal: the call's listeners go on it, not on the caller's, which may span hundreds of
 * calls (a backfill page read record by record) and would pass Node's listener warning.
 */
function anySignal(...signals: (AbortSignal | undefined)[]): AbortSignal | undefined {
  const present = signals.filter((signal): signal is AbortSignal => signal !== undefined);
  return present.length === 0 ? undefined : AbortSignal.any(present);
}

/** The error for a call that ended because its caller gave up (cancelled) or its budget ran out. */
function abortError(call: CallSignals, system: string, cause: unknown): SourceError {
  return new SourceError(system, 'TIMEOUT', { cancelled: call.caller?.aborted === true, cause });
}

/**
 * The execution, or a TIMEOUT as soon as the caller's signal or the budget fires:
 * cockatiel's backoff timer does not listen to the signal, and the caller should not sit
 * out a backoff it has no time for. (The HTTP request itself is aborted by undici.)
 */
function untilAborted<T>(execution: Promise<T>, call: CallSignals, system: string): Promise<T> {
  const { signal } = call;
  if (!signal) return execution;
  execution.catch(() => undefined); // its late rejection is expected once we have given up
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortError(call, system, signal.reason));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    execution.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function encodeBody(request: HttpRequest): { body?: string; contentType?: string } {
  if (request.form) return { body: new URLSearchParams(request.form).toString(), contentType: 'application/x-www-form-urlencoded' };
  if (request.json !== undefined) return { body: JSON.stringify(request.json), contentType: 'application/json' };
  return {};
}

/** JSON for any `+json` or `/json` media type, text otherwise, undefined for an empty body. */
async function readBody(
  body: { text(): Promise<string> },
  contentType: string | string[] | undefined,
): Promise<unknown> {
  const text = await body.text();
  if (text === '') return undefined;
  const type = (Array.isArray(contentType) ? contentType[0] : contentType) ?? '';
  return /[/+]json\b/i.test(type) ? JSON.parse(text) : text;
}
