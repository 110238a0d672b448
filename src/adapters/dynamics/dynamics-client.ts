import type { HttpRequest, HttpResponse } from '../http/http-request';
import { ResilientHttpClient, type ResilientHttpClientOptions } from '../http/resilient-http-client';
import { parseRetryAfter } from '../http/retry-after';
import { SourceError, kindFromStatus, type SourceErrorKind } from '../http/source-error';

/** Options of a {@link DynamicsClient}. */
export interface DynamicsClientOptions extends ResilientHttpClientOptions {
  /** The Microsoft Entra tenant (directory) id the app is registered in. */
  tenantId: string;
  /** The app registration's application (client) id; an application user in the environment. */
  clientId: string;
  /** The app registration's client secret. */
  clientSecret: string;
  /** The token endpoint. @default `https://login.microsoftonline.com/<tenantId>/oauth2/v2.0/token` */
  tokenUrl?: string;
}

interface AccessToken {
  value: string;
  /** When to fetch a new one: a minute before it expires. */
  renewAt: number;
}

/** Web API version of every data call. */
const DATA_PATH = '/api/data/v9.2';

/**
 * The Dataverse Web API dialect of the HTTP layer: OAuth 2.0 client credentials at the
 * Microsoft identity platform (`scope=<environment url>/.default`; the token is kept
 * until a minute before `expires_in`, and a 401 fetches a new one, once), OData headers,
 * and error bodies `{"error":{"code":"0x...","message":"..."}}` read for their code (the
 * message is not kept: "contact With Id = ... Does Not Exist" quotes values). Service
 * protection answers 429 with `Retry-After`, which the shared retry policy waits for.
 * https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-client-creds-grant-flow
 * https://learn.microsoft.com/en-us/power-apps/developer/data-platform/webapi/compose-http-requests-handle-errors
 * https://learn.microsoft.com/en-us/power-apps/developer/data-platform/api-limits#retry-operations
 */
export class DynamicsClient extends ResilientHttpClient {
  /** `/api/data/v9.2`, the prefix of every data call. */
  readonly dataPath = DATA_PATH;
  private readonly clientId: string;
  private readonly clientSecret: string;
  private readonly tokenUrl: string;
  private token: Promise<AccessToken> | undefined;
  /** Bumped whenever the token is dropped, so concurrent 401s drop it only once. */
  private tokenGeneration = 0;

  constructor({ tenantId, clientId, clientSecret, tokenUrl, ...options }: DynamicsClientOptions) {
    super(options);
    this.clientId = clientId;
    this.clientSecret = clientSecret;
    this.tokenUrl = tokenUrl ?? `https://login.microsoftonline.com/${encodeURIComponent(tenantId)}/oauth2/v2.0/token`;
  }

  /** Sends a call; on a 401 (an expired or revoked token) fetches a new token once and repeats it. */
  override async send<T = unknown>(request: HttpRequest): Promise<HttpResponse<T>> {
    const generation = this.tokenGeneration;
    try {
      return await super.send<T>(request);
    } catch (error) {
      if (request.authenticate === false || !(error instanceof SourceError) || error.status !== 401) throw error;
      this.dropToken(generation);
      return super.send<T>(request);
    }
  }

  protected override async willSendRequest(request: HttpRequest): Promise<void> {
    if (request.authenticate === false) return;
    const token = await this.accessToken();
    request.headers = { 'odata-version': '4.0', 'odata-maxversion': '4.0', ...request.headers, authorization: `Bearer ${token}` };
  }

  protected override errorFromResponse(response: HttpResponse, _request: HttpRequest): SourceError {
    const body = response.body as { error?: unknown } | undefined;
    const error = body && typeof body === 'object' ? body.error : undefined;
    // Web API errors carry {code, message}; the identity platform's an `error` word (invalid_client).
    const vendorCode = typeof error === 'string' ? error : typeof error === 'object' && error !== null ? String((error as { code?: unknown }).code ?? '') || undefined : undefined;
    return new SourceError(this.system, kindFor(response.status, vendorCode), {
      status: response.status,
      vendorCode,
      retryAfterMs: parseRetryAfter(response.headers['retry-after']),
    });
  }

  /** An expired token is routine (a 401 is how a revoked one is learnt): not a degradation. */
  protected override isDegrading(error: SourceError): boolean {
    return error.status !== 401 && super.isDegrading(error);
  }

  private dropToken(generation: number): void {
    if (generation !== this.tokenGeneration) return;
    this.token = undefined;
    this.tokenGeneration += 1;
  }

  /** One token fetch at a time; a failed fetch is forgotten so the next call tries again. */
  private async accessToken(): Promise<string> {
    const generation = this.tokenGeneration;
    this.token ??= this.fetchToken().catch((error: unknown) => {
      this.token = undefined;
      throw error;
    });
    const token = await this.token;
    if (Date.now() < token.renewAt) return token.value;
    this.dropToken(generation);
    return this.accessToken();
  }

  private async fetchToken(): Promise<AccessToken> {
    // A token POST mints a new token each time: not idempotent, so never retried.
    const { body } = await super.send<{ access_token?: string; expires_in?: number }>({
      operation: 'token',
      method: 'POST',
      path: this.tokenUrl,
      form: {
        grant_type: 'client_credentials',
        client_id: this.clientId,
        client_secret: this.clientSecret,
        scope: `${this.baseUrl.origin}/.default`,
      },
      authenticate: false,
    });
    if (!body?.access_token) throw new SourceError(this.system, 'AUTH', { vendorCode: 'NO_ACCESS_TOKEN' });
    const lifetimeMs = (typeof body.expires_in === 'number' ? body.expires_in : 3599) * 1000;
    return { value: body.access_token, renewAt: Date.now() + Math.max(0, lifetimeMs - 60_000) };
  }
}

/** Identity platform errors that mean the app's credentials are wrong (some come as 400s). */
const credentialErrors = new Set(['invalid_client', 'unauthorized_client', 'invalid_grant', 'invalid_scope']);

/**
 * Dataverse's codes that say more than the status: service protection (requests, execution
 * time, concurrency) and a missing row.
 * https://learn.microsoft.com/en-us/power-apps/developer/data-platform/api-limits#service-protection-api-limit-errors-returned
 */
function kindFor(status: number, vendorCode: string | undefined): SourceErrorKind {
  if (vendorCode && ['0x80072322', '0x80072321', '0x80072326'].includes(vendorCode)) return 'RATE_LIMITED';
  if (vendorCode && credentialErrors.has(vendorCode)) return 'AUTH';
  if (vendorCode === '0x80040217') return 'NOT_FOUND';
  return kindFromStatus(status);
}
