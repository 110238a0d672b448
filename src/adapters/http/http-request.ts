import type { IncomingHttpHeaders } from 'node:http';
import type { SourceCallAllowance } from './source-call-allowance';

/** The HTTP methods adapters use. */
export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/** One call to a source, as an adapter describes it. */
export interface HttpRequest {
  /** What the call is for, as a metrics label (`retrieve`, `query`, `token`, ...). */
  operation: string;
  method: HttpMethod;
  /** A path under the base URL's path (`/lists/abc/members`), or an absolute URL. */
  path: string;
  /** Query parameters; undefined values are left out. */
  query?: Record<string, string | number | undefined>;
  headers?: Record<string, string>;
  /** A JSON body (sent as `application/json` unless a content-type header says otherwise). */
  json?: unknown;
  /** A form body (`application/x-www-form-urlencoded`). */
  form?: Record<string, string>;
  /**
   * Whether repeating the call is harmless, so it may be retried. Reads by POST
   * (sObject Collections retrieve) and writes of absolute values set it to true.
   * @default true for GET, PUT and DELETE; false for POST and PATCH
   */
  idempotent?: boolean;
  /** Whether the client's `willSendRequest` hook should add credentials. @default true */
  authenticate?: boolean;
  /**
   * The caller's own signal: aborts the call (and any retry) when it fires. A caller's
   * abort is not a source failure: it is never retried or counted by the breaker.
   */
  signal?: AbortSignal;
  /**
   * Time budget of this call, in ms, counted from the moment it is sent: a wait for a
   * free connection is not part of it; its retries and their backoff are. When it runs
   * out the call fails TIMEOUT, which counts against the source (a sent request went
   * unanswered). @default none (only the pool's connect, headers and body timeouts)
   */
  budgetMs?: number;
  /**
   * Who the call is for (any value; one request's loaders pass one object): calls
   * waiting for a connection are served one lane at a time, in turn. @default one shared lane
   */
  lane?: unknown;
  /**
   * The calls the request this call is for may still make: the client takes one before
   * sending, and refuses the call (CALL_LIMIT) when none is left. @default unlimited
   */
  sourceCalls?: SourceCallAllowance;
}

/** The per-call settings an adapter passes on from the port's `CallOptions` to each HTTP call. */
export type CallSettings = Pick<HttpRequest, 'signal' | 'budgetMs' | 'lane' | 'sourceCalls'>;

/** A source's answer: status, headers, and the body parsed as JSON when it is JSON. */
export interface HttpResponse<T = unknown> {
  status: number;
  headers: IncomingHttpHeaders;
  body: T;
}

/** Whether a request may be retried: its own say, else the method's semantics (RFC 9110 section 9.2.2). */
export function isIdempotent(request: HttpRequest): boolean {
  return request.idempotent ?? ['GET', 'PUT', 'DELETE'].includes(request.method);
}

/** The {@link CallSettings} an adapter passes on from the port's `CallOptions` to each HTTP call. */
export function callSettings(options: CallSettings): CallSettings {
  return { signal: options.signal, budgetMs: options.budgetMs, lane: options.lane, sourceCalls: options.sourceCalls };
}
