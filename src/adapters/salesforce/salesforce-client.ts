import type { HttpRequest, HttpResponse } from '../http/http-request';
import { ResilientHttpClient, type ResilientHttpClientOptions } from '../http/resilient-http-client';
import { parseRetryAfter } from '../http/retry-after';
import { SourceError, kindFromStatus, type SourceErrorKind } from '../http/source-error';

/** Options of a {@link SalesforceClient}. */
export interface SalesforceClientOptions extends ResilientHttpClientOptions {
  /** The connected app's consumer key. */
  clientId: string;
  /** The connected app's consumer secret. */
  clientSecret: string;
  /** REST API version, `NN.N`. @default '65.0' */
  apiVersion?: string;
}

interface AccessToken {
  accessToken: string;
  /** Where data calls go: the org's instance, which may differ from the login URL. */
  instanceUrl: string;
}

/** Salesforce's error body: a list of `{message, errorCode, fields}`; OAuth errors use `{error}`. */
type SalesforceErrorBody = { errorCode?: string }[] | { error?: string } | undefined;

/**
 * The Salesforce REST dialect of the HTTP layer: OAuth 2.0 client-credentials tokens
 * (cached; there is no refresh token and no expiry in the answer, so a 401 is the
 * signal to fetch a new one, once), data calls sent to the token's `instance_url`,
 * error bodies read for their `errorCode`, and `Sforce-Limit-Info` kept for health.
 * https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_client_credentials_flow.htm&type=5
 */
export class SalesforceClient extends ResilientHttpClient {
  /** `/services/data/vNN.N`, the prefix of every data call. */
  readonly dataPath: string;
  private readonly clientId: string;
  private readonly clientSecret: string;
  private token: Promise<AccessToken> | undefined;
  /** Bumped whenever the token is dropped, so concurrent 401s drop it only once. */
  private tokenGeneration = 0;

  constructor({ clientId, clientSecret, apiVersion = '65.0', ...options }: SalesforceClientOptions) {
    super(options);
    this.clientId = clientId;
    this.clientSecret = clientSecret;
    this.dataPath = `/services/data/v${apiVersion}`;
  }

  /** Sends a call; on a 401 (INVALID_SESSION_ID) fetches a new token once and repeats it. */
  override async send<T = unknown>(request: HttpRequest): Promise<HttpResponse<T>> {
    const generation = this.tokenGeneration;
    try {
      return await super.send<T>(request);
    } catch (error) {
      if (request.authenticate === false || !(error instanceof SourceError) || error.status !== 401) throw error;
      if (generation === this.tokenGeneration) {
        this.token = undefined;
        this.tokenGeneration += 1;
      }
      return super.send<T>(request);
    }
  }

  protected override async willSendRequest(request: HttpRequest): Promise<void> {
    if (request.authenticate === false) return;
    const token = await this.accessToken();
    request.headers = { ...request.headers, authorization: `Bearer ${token.accessToken}` };
    if (!/^https?:\/\//.test(request.path)) request.path = `${token.instanceUrl}${request.path}`;
  }

  protected override errorFromResponse(response: HttpResponse, _request: HttpRequest): SourceError {
    const body = response.body as SalesforceErrorBody;
    const vendorCode = Array.isArray(body) ? body[0]?.errorCode : body && typeof body === 'object' ? body.error : undefined;
    // The messages can quote values (a malformed query quotes the query): only the code is kept.
    return new SourceError(this.system, kindFor(response.status, vendorCode), {
      status: response.status,
      vendorCode,
      retryAfterMs: parseRetryAfter(response.headers['retry-after']),
    });
  }

  /** An expired session is routine (tokens have no expiry time; a 401 is how we learn): not a degradation. */
  protected override isDegrading(error: SourceError): boolean {
    return error.vendorCode !== 'INVALID_SESSION_ID' && super.isDegrading(error);
  }

  /** `Sforce-Limit-Info: api-usage=18/15000`: the org's API calls in the last 24 hours. */
  protected override didReceiveResponse(response: HttpResponse): void {
    const header = response.headers['sforce-limit-info'];
    const match = /api-usage=(\d+)\/(\d+)/.exec(Array.isArray(header) ? header.join(',') : (header ?? ''));
    if (match) this.health.recordApiUsage(Number(match[1]), Number(match[2]));
  }

  /** One token fetch at a time; a failed fetch is forgotten so the next call tries again. */
  private accessToken(): Promise<AccessToken> {
    this.token ??= this.fetchToken().catch((error: unknown) => {
      this.token = undefined;
      throw error;
    });
    return this.token;
  }

  private async fetchToken(): Promise<AccessToken> {
    // A token POST mints a new token each time: not idempotent, so never retried.
    const { body } = await super.send<{ access_token?: string; instance_url?: string }>({
      operation: 'token',
      method: 'POST',
      path: '/services/oauth2/token',
      form: { grant_type: 'client_credentials', client_id: this.clientId, client_secret: this.clientSecret },
      authenticate: false,
    });
    if (!body?.access_token) throw new SourceError(this.system, 'AUTH', { vendorCode: 'NO_ACCESS_TOKEN' });
    const instanceUrl = (body.instance_url ?? this.baseUrl.origin).replace(/\/$/, '');
    return { accessToken: body.access_token, instanceUrl };
  }
}

/** OAuth errors that mean the connected app's credentials are wrong (they come as 400s). */
const oauthCredentialErrors = new Set(['invalid_client', 'invalid_client_id', 'invalid_grant', 'unauthorized_client']);

/**
 * Salesforce answers an exhausted API allowance with 403 REQUEST_LIMIT_EXCEEDED, not 429,
 * and refused client credentials with a 400 OAuth error.
 * https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_flow_errors.htm&type=5
 */
function kindFor(status: number, vendorCode: string | undefined): SourceErrorKind {
  if (vendorCode === 'REQUEST_LIMIT_EXCEEDED') return 'RATE_LIMITED';
  if (vendorCode && oauthCredentialErrors.has(vendorCode)) return 'AUTH';
  if (vendorCode === 'NOT_FOUND' || vendorCode === 'ENTITY_IS_DELETED') return 'NOT_FOUND';
  return kindFromStatus(status);
}
