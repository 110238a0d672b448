import { createHmac } from 'node:crypto';

/**
 * Gigya's request and notification signatures, as the simulator checks and makes them:
 * HMAC-SHA1 keyed with the base64-decoded secret, the digest in base64.
 * https://help.sap.com/docs/SAP_CUSTOMER_DATA_CLOUD/8b8d6fffe113457094a17701f63e3d6a/4143815a70b21014bbc5a10ce4041860.html
 * (signing requests), https://help.sap.com/docs/SAP_CUSTOMER_DATA_CLOUD/8b8d6fffe113457094a17701f63e3d6a/41488fb470b21014bbc5a10ce4041860.html (webhooks)
 */
export function gigyaHmac(base64Secret: string, text: string): string {
  return createHmac('sha1', Buffer.from(base64Secret, 'base64')).update(text, 'utf8').digest('base64');
}

/**
 * A signed request's base string: `POST&<url>&<params>`, the URL without its query, the
 * parameters (all but `sig`) sorted by name as `name=value` joined by `&`, each part
 * percent-encoded per RFC 3986 (encodeURIComponent plus `!'()*`).
 */
export function requestBaseString(method: string, url: string, params: ReadonlyMap<string, string>): string {
  const query = [...params]
    .filter(([name]) => name !== 'sig')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, value]) => `${name}=${rfc3986(value)}`)
    .join('&');
  return `${method.toUpperCase()}&${rfc3986(url)}&${rfc3986(query)}`;
}

function rfc3986(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`);
}
