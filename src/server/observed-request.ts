import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import type { ObservedRequest } from '../consent/consent-model';

/** Longest user agent kept; real ones are a few hundred characters. */
const MAX_USER_AGENT = 1000;

/**
 * A request's IP address and user agent as this server saw them: the address of the
 * connection's peer (never a header the client could set; behind a reverse proxy, the
 * proxy's), an IPv4 peer written as IPv4 rather than IPv4-mapped IPv6, and the
 * `User-Agent` header. Recorded as the evidence of a customer's own consent change.
 */
export function observedRequest(request: IncomingMessage): ObservedRequest {
  const address = request.socket.remoteAddress ?? null;
  const mapped = address?.startsWith('::ffff:') ? address.slice('::ffff:'.length) : null;
  const userAgent = request.headers['user-agent']?.trim().slice(0, MAX_USER_AGENT);
  return { ip: mapped !== null && isIP(mapped) === 4 ? mapped : address, userAgent: userAgent || null };
}
