import type { HttpRequest, HttpResponse } from '../http/http-request';
import { ResilientHttpClient, type ResilientHttpClientOptions } from '../http/resilient-http-client';
import { parseRetryAfter } from '../http/retry-after';
import { SourceError, kindFromStatus } from '../http/source-error';

/** Options of a {@link ScimClient}. */
export interface ScimClientOptions extends ResilientHttpClientOptions {
  /** The bearer token the identity system issued to the gateway. */
  bearerToken: string;
}

const SCIM_MEDIA_TYPE = 'application/scim+json';

/**
 * The SCIM 2.0 dialect of the HTTP layer: a bearer token, `application/scim+json`
 * bodies, and the SCIM error schema, whose `status` is a string and whose `scimType`
 * (invalidFilter, mutability, ...) is kept as the vendor code (`detail` is not kept: it
 * can quote the value that failed).
 * https://datatracker.ietf.org/doc/html/rfc7644#section-3.12
 */
export class ScimClient extends ResilientHttpClient {
  private readonly authorization: string;

  constructor({ bearerToken, ...options }: ScimClientOptions) {
    super(options);
    this.authorization = `Bearer ${bearerToken}`;
  }

  protected override willSendRequest(request: HttpRequest): void {
    request.headers = {
      accept: SCIM_MEDIA_TYPE,
      ...(request.json !== undefined && { 'content-type': SCIM_MEDIA_TYPE }),
      ...request.headers,
      authorization: this.authorization,
    };
  }

  protected override errorFromResponse(response: HttpResponse, _request: HttpRequest): SourceError {
    const body = response.body as { status?: unknown; scimType?: unknown } | undefined;
    const scimType = body && typeof body === 'object' && typeof body.scimType === 'string' ? body.scimType : undefined;
    // The body's status is a string ("404"); the HTTP status is the one to trust.
    return new SourceError(this.system, kindFromStatus(response.status), {
      status: response.status,
      vendorCode: scimType,
      retryAfterMs: parseRetryAfter(response.headers['retry-after']),
    });
  }
}
