import { createHmac, randomBytes } from 'node:crypto';
import type { HttpRequest, HttpResponse } from '../http/http-request';
import { ResilientHttpClient, type ResilientHttpClientOptions } from '../http/resilient-http-client';
import { SourceError, kindFromStatus, type SourceErrorKind } from '../http/source-error';
import type { CallSettings } from '../http/http-request';
import type { GigyaEnvelope } from './sapcdc-account';

/** Options of a {@link SapCdcClient}. */
export interface SapCdcClientOptions extends ResilientHttpClientOptions {
  /** The site's API key. */
  apiKey: string;
  /** An application key (a user key with a role on the site). */
  userKey: string;
  /** The application key's secret, base64. */
  secret: string;
  /**
   * Sign each call (`timestamp`, `nonce`, `sig`) instead of sending the secret. A signed
   * call cannot be repeated (its nonce is single-use), so in this mode no call is retried.
   * @default false
   */
  signRequests?: boolean;
}

/** One accounts API call. */
export interface GigyaCall extends CallSettings {
  /** `accounts.search`, ... */
  method: string;
  /** Method parameters; objects are sent as JSON, as Gigya takes them. */
  params: Record<string, string | number | boolean | object | undefined>;
  /** Metrics label. */
  operation: string;
  /** Whether repeating the call is harmless. @default true */
  idempotent?: boolean;
}

/**
 * The Gigya REST dialect of the HTTP layer: every method is a form POST to
 * `<base>/<namespace>.<method>` with `apiKey`, `format=json` and the application key's
 * `userKey` + `secret` (or, with `signRequests`, `timestamp` + `nonce` + `sig`: HMAC-SHA1 of
 * `POST&<url>&<sorted params>` keyed with the base64-decoded secret).
 * https://help.sap.com/docs/SAP_CUSTOMER_DATA_CLOUD/8b8d6fffe113457094a17701f63e3d6a/4143815a70b21014bbc5a10ce4041860.html
 *
 * Gigya's quirk: it answers HTTP 200 for errors too, with `errorCode` (0 is success) and
 * `statusCode` in the body; {@link didReceiveResponse} turns a non-zero code into a
 * {@link SourceError} inside the attempt, so retries and the breaker see it as they see
 * an HTTP error. The error's text (`errorDetails`) is not kept: it may quote values.
 * https://help.sap.com/docs/SAP_CUSTOMER_DATA_CLOUD/8b8d6fffe113457094a17701f63e3d6a/416d41b170b21014bbc5a10ce4041860.html
 */
export class SapCdcClient extends ResilientHttpClient {
  private readonly apiKey: string;
  private readonly userKey: string;
  private readonly secret: string;
  private readonly signRequests: boolean;

  constructor({ apiKey, userKey, secret, signRequests = false, ...options }: SapCdcClientOptions) {
    super(options);
    this.apiKey = apiKey;
    this.userKey = userKey;
    this.secret = secret;
    this.signRequests = signRequests;
  }

  /** Calls a method; resolves with its answer when `errorCode` is 0, else throws a SourceError. */
  async call<T extends GigyaEnvelope>({ method, params, operation, idempotent = true, ...settings }: GigyaCall): Promise<T> {
    const form: Record<string, string> = { apiKey: this.apiKey, format: 'json' };
    for (const [name, value] of Object.entries(params)) {
      if (value !== undefined) form[name] = typeof value === 'object' ? JSON.stringify(value) : String(value);
    }
    const { body } = await this.send<T>({
      operation,
      method: 'POST',
      path: `/${method}`,
      form,
      idempotent: idempotent && !this.signRequests,
      ...settings,
    });
    return body;
  }

  /** Adds the credentials: the secret itself, or a signature over the call. */
  protected override willSendRequest(request: HttpRequest): void {
    const form = { ...request.form, userKey: this.userKey };
    if (!this.signRequests) {
      request.form = { ...form, secret: this.secret };
      return;
    }
    const signed: Record<string, string> = { ...form, timestamp: String(Math.floor(Date.now() / 1000)), nonce: `${Date.now()}.${randomBytes(8).toString('hex')}` };
    const url = this.resolveUrl(request);
    const query = Object.keys(signed)
      .sort()
      .map((name) => `${name}=${rfc3986(signed[name]!)}`)
      .join('&');
    const base = `POST&${rfc3986(`${url.protocol}//${url.host.toLowerCase()}${url.pathname}`)}&${rfc3986(query)}`;
    request.form = { ...signed, sig: createHmac('sha1', Buffer.from(this.secret, 'base64')).update(base).digest('base64') };
  }

  /** Gigya's errors come with HTTP 200: a non-zero `errorCode` fails the attempt here. */
  protected override didReceiveResponse(response: HttpResponse, _request: HttpRequest): void {
    const body = response.body as Partial<GigyaEnvelope> | undefined;
    if (response.status >= 400 || typeof body !== 'object' || body === null) return;
    if (typeof body.errorCode !== 'number') throw new SourceError(this.system, 'UNAVAILABLE', { status: response.status, vendorCode: 'NO_ERROR_CODE' });
    if (body.errorCode === 0) return;
    throw new SourceError(this.system, kindFor(body.errorCode, body.statusCode), { status: body.statusCode, vendorCode: String(body.errorCode) });
  }
}

/**
 * What a Gigya error code means for us. 403048 is the rate limit (transient; the vendor's
 * own SDK waits and repeats); 500001 and the 5xx family the service failing, 504xxx its
 * timeouts; 409030 concurrent updates of one account; 403005 "Unauthorized user" an unknown
 * UID; the other 403xxx codes (expired or invalid signature, duplicate nonce, permission
 * denied) and 400093 (invalid API key) refused credentials; other 400xxx our request.
 */
function kindFor(code: number, statusCode: number | undefined): SourceErrorKind {
  if (code === 403048) return 'RATE_LIMITED';
  if (code === 403005) return 'NOT_FOUND';
  if (code === 409030) return 'UNAVAILABLE';
  if (code === 400093 || Math.floor(code / 1000) === 403) return 'AUTH';
  if (Math.floor(code / 1000) === 504) return 'TIMEOUT';
  if (code >= 500_000 && code < 600_000) return 'UNAVAILABLE';
  if (Math.floor(code / 1000) === 400) return 'BAD_REQUEST';
  return kindFromStatus(statusCode ?? 500);
}

/** Percent-encoding per RFC 3986, as Gigya's base string wants it. */
function rfc3986(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`);
}
