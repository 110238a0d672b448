import type { FeedKey } from './consent-feed';

const PREFIX = 'cf1';
const EVENT_ID = /^[^#]+#\d{10}$/;

/**
 * A feed key as the opaque `position` clients hold: base64url of `cf1:<ms>:<eventId>`.
 * It carries a customer id and a log position, never personal data.
 */
export function encodePosition(key: FeedKey): string {
  return Buffer.from(`${PREFIX}:${key.at}:${key.eventId}`).toString('base64url');
}

/** The key a position names, or null when the text is not a position this gateway wrote. */
export function decodePosition(position: string): FeedKey | null {
  if (!/^[A-Za-z0-9_-]{1,400}$/.test(position)) return null;
  const match = /^cf1:(\d{1,15}):(.+)$/.exec(Buffer.from(position, 'base64url').toString());
  if (!match || !EVENT_ID.test(match[2]!)) return null;
  return { at: Number(match[1]), eventId: match[2]! };
}
