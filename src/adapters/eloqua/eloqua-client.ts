import type { HttpRequest, HttpResponse } from '../http/http-request';
import { ResilientHttpClient, type ResilientHttpClientOptions } from '../http/resilient-http-client';
import { parseRetryAfter } from '../http/retry-after';
import { SourceError, kindFromStatus } from '../http/source-error';

/** Options of an {@link EloquaClient}. */
export interface EloquaClientOptions extends ResilientHttpClientOptions {
  /** The company (site) name, for Basic authentication. */
  siteName?: string;
  /** The API user, for Basic authentication. */
  userName?: string;
  /** The API user's password, for Basic authentication. */
  password?: string;
  /** An OAuth 2.0 access token, instead of the three above. */
  accessToken?: string;
  /** Where the instance's base URL is learnt when `discoverBaseUrl` is set. @default 'https://login.eloqua.com/id' */
  loginUrl?: string;
  /** Ask `loginUrl` for the base URL (the pod) instead of using `baseUrl`. @default false */
  discoverBaseUrl?: boolean;
}

/** Oracle's limit: 20 concurrent calls per instance; the 21st is refused with a 429. */
export const ELOQUA_MAX_CONCURRENT_CALLS = 20;

/**
 * The Eloqua Application API dialect of the HTTP layer: HTTP Basic with
 * `<Company>\<User>:<password>` or an OAuth bearer token; the instance's base URL (its pod,
 * `https://secure.p0N.eloqua.com`) learnt once from `https://login.eloqua.com/id` unless it is
 * configured; at most 20 calls in flight; 400 bodies (arrays of validation errors) read for
 * the failed property and requirement only (the `value` may be a person's address).
 * https://docs.oracle.com/en/cloud/saas/marketing/eloqua-develop/Developers/GettingStarted/APIRequests/determining-base-url.htm
 * https://docs.oracle.com/en/cloud/saas/marketing/eloqua-develop/Developers/GettingStarted/APIRequests/validation-errors.htm
 * https://docs.oracle.com/en/cloud/saas/marketing/eloqua-develop/Developers/GettingStarted/APIRequests/limits.htm
 */
export class EloquaClient extends ResilientHttpClient {
  private readonly authorization: string;
  private readonly loginUrl: string;
  private base: Promise<URL> | undefined;

  constructor({ siteName, userName, password, accessToken, loginUrl = 'https://login.eloqua.com/id', discoverBaseUrl = false, maxConnections = ELOQUA_MAX_CONCURRENT_CALLS, ...options }: EloquaClientOptions) {
    super({ ...options, maxConnections: Math.min(maxConnections, ELOQUA_MAX_CONCURRENT_CALLS) });
    this.authorization = accessToken
      ? `Bearer ${accessToken}`
      : `Basic ${Buffer.from(`${siteName ?? ''}\\${userName ?? ''}:${password ?? ''}`).toString('base64')}`;
    this.loginUrl = loginUrl;
    if (!discoverBaseUrl) this.base = Promise.resolve(this.baseUrl);
  }

  /** Sends a call under the instance's base URL, learning it first when it is not configured. */
  override async send<T = unknown>(request: HttpRequest): Promise<HttpResponse<T>> {
    if (/^https?:\/\//.test(request.path) || request.operation === 'discover') return super.send<T>(request);
    const base = await this.instanceBase(request);
    return super.send<T>({ ...request, path: `${base.href.replace(/\/$/, '')}${request.path}` });
  }

  protected override willSendRequest(request: HttpRequest): void {
    request.headers = { ...request.headers, authorization: this.authorization };
  }

  protected override errorFromResponse(response: HttpResponse, _request: HttpRequest): SourceError {
    const body = response.body;
    const first = Array.isArray(body) ? (body[0] as { property?: unknown; requirement?: { type?: unknown } } | undefined) : undefined;
    const vendorCode = first ? `${String(first.property ?? '')} ${String(first.requirement?.type ?? '')}`.trim() : undefined;
    return new SourceError(this.system, kindFromStatus(response.status), {
      status: response.status,
      vendorCode,
      retryAfterMs: parseRetryAfter(response.headers['retry-after']),
      cause: Array.isArray(body) ? body.map((error: { property?: unknown; requirement?: unknown }) => ({ property: error.property, requirement: error.requirement })) : undefined,
    });
  }

  /** One discovery at a time; a failed one is forgotten so the next call tries again. */
  private instanceBase(request: HttpRequest): Promise<URL> {
    this.base ??= this.discover(request).catch((error: unknown) => {
      this.base = undefined;
      throw error;
    });
    return this.base;
  }

  /**
   * `GET login.eloqua.com/id`: `urls.base` is the pod. Quirk: wrong credentials answer 200
   * with the JSON string "Not authenticated.", not a 401.
   */
  private async discover(request: HttpRequest): Promise<URL> {
    const { body } = await super.send<unknown>({ operation: 'discover', method: 'GET', path: this.loginUrl, signal: request.signal, budgetMs: request.budgetMs, lane: request.lane });
    const base = typeof body === 'object' && body !== null ? (body as { urls?: { base?: unknown } }).urls?.base : undefined;
    if (typeof base !== 'string') throw new SourceError(this.system, 'AUTH', { vendorCode: typeof body === 'string' ? body : 'NO_BASE_URL' });
    return new URL(base);
  }
}
