import type { CallSettings, HttpRequest, HttpResponse } from '../http/http-request';
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

/** One SOQL query's answer (a page of it). */
export interface SoqlAnswer<R> {
  totalSize: number;
  done: boolean;
  /** The next page, `/services/data/vNN.N/query/<locator>-<offset>`, when `done` is false. */
  nextRecordsUrl?: string;
  records: R[];
}

/** One subrequest's answer inside a Composite answer. */
interface CompositeSubresponse {
  body: unknown;
  httpStatusCode: number;
  referenceId: string;
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

  /**
   * Runs up to 5 SOQL queries in one Composite call, each as a `GET .../query?q=` subrequest,
   * and answers their first pages in order (follow `nextRecordsUrl` for more). Why Composite:
   * a query's text travels in the URL, and a REST call's URI and headers together may not
   * exceed 16,384 bytes (414 / 431 beyond), which `Id IN (...)` over a batch of ids does;
   * inside a Composite body a SOQL statement may have its full 100,000 characters. The
   * whole call counts as one API request. A subrequest that failed fails the call with the
   * same error the query would have got alone.
   * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_composite_post.htm
   * https://help.salesforce.com/s/articleView?id=000386264&type=1 (URI and header limit)
   */
  async compositeQueries<R>(soqls: readonly string[], settings: CallSettings = {}): Promise<SoqlAnswer<R>[]> {
    if (soqls.length === 0) return [];
    if (soqls.length > MAX_COMPOSITE_QUERIES) throw new RangeError(`a Composite call carries at most ${MAX_COMPOSITE_QUERIES} queries, got ${soqls.length}`);
    const request: HttpRequest = {
      operation: 'composite',
      method: 'POST',
      path: `${this.dataPath}/composite`,
      json: {
        allOrNone: false,
        compositeRequest: soqls.map((soql, index) => ({
          method: 'GET',
          url: `${this.dataPath}/query?q=${encodeURIComponent(soql)}`,
          referenceId: `query${index}`,
        })),
      },
      idempotent: true, // every subrequest is a read
      ...settings,
    };
    const { body } = await this.send<{ compositeResponse?: CompositeSubresponse[] }>(request);
    return soqls.map((_soql, index) => {
      const answer = body?.compositeResponse?.find((item) => item.referenceId === `query${index}`);
      if (!answer) throw new SourceError(this.system, 'UNAVAILABLE', { vendorCode: 'NO_SUBREQUEST_ANSWER' });
      if (answer.httpStatusCode >= 400) {
        throw this.errorFromResponse({ status: answer.httpStatusCode, headers: {}, body: answer.body }, request);
      }
      return answer.body as SoqlAnswer<R>;
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

/** Query subrequests one Composite call may carry. */
export const MAX_COMPOSITE_QUERIES = 5;

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
