import type { HttpRequest, HttpResponse } from '../http/http-request';
import { ResilientHttpClient, type ResilientHttpClientOptions } from '../http/resilient-http-client';
import { parseRetryAfter } from '../http/retry-after';
import { SourceError, kindFromStatus } from '../http/source-error';

/** Options of a {@link MailchimpClient}. */
export interface MailchimpClientOptions extends ResilientHttpClientOptions {
  /** The API key, `<32 hex>-<dc>`. */
  apiKey: string;
}

/** Mailchimp allows 10 simultaneous connections per API key; the 11th gets a 429. */
export const MAILCHIMP_MAX_CONNECTIONS = 10;

/**
 * The Mailchimp Marketing API v3 dialect of the HTTP layer: HTTP Basic with any user
 * name and the API key as password, a pool of at most 10 connections, and
 * `application/problem+json` errors read for their `title` (the `detail` can quote the
 * member's email, so it is not kept).
 * https://mailchimp.com/developer/marketing/docs/fundamentals/#api-structure
 * https://mailchimp.com/developer/marketing/docs/errors/
 */
export class MailchimpClient extends ResilientHttpClient {
  private readonly authorization: string;

  constructor({ apiKey, maxConnections = MAILCHIMP_MAX_CONNECTIONS, ...options }: MailchimpClientOptions) {
    super({ ...options, maxConnections: Math.min(maxConnections, MAILCHIMP_MAX_CONNECTIONS) });
    this.authorization = `Basic ${Buffer.from(`gateway:${apiKey}`).toString('base64')}`;
  }

  protected override willSendRequest(request: HttpRequest): void {
    request.headers = { ...request.headers, authorization: this.authorization };
  }

  protected override errorFromResponse(response: HttpResponse, _request: HttpRequest): SourceError {
    const body = response.body as { title?: unknown } | undefined;
    const title = body && typeof body === 'object' && typeof body.title === 'string' ? body.title : undefined;
    return new SourceError(this.system, kindFromStatus(response.status), {
      status: response.status,
      vendorCode: title,
      retryAfterMs: parseRetryAfter(response.headers['retry-after']),
    });
  }
}

/** The data centre of an API key (`...-us6` -> `us6`), or null when the key has none. */
export function dataCentreOf(apiKey: string): string | null {
  const match = /-([a-z]+\d+)$/.exec(apiKey.trim());
  return match ? match[1]! : null;
}
