import { createHmac, timingSafeEqual } from 'node:crypto';

/** One event of a Gigya webhook notification. */
export interface GigyaNotificationEvent {
  /** Unique per event, the same when the notification is resent: the idempotency key. */
  id: string;
  /** `accountUpdated`, `subscriptionUpdated`, `consentUpdated`, ... */
  type: string;
  /** The account the event is about. */
  uid: string;
}

/** The event types that can change what an account says about consent. */
const consentTypes = new Set(['accountCreated', 'accountRegistered', 'accountUpdated', 'subscriptionUpdated', 'consentUpdated']);

/**
 * A Gigya (SAP Customer Data Cloud) webhook notification, verified: `X-Gigya-Sig-Hmac-Sha1`
 * must be the base64 HMAC-SHA1 of the raw body keyed with the base64-decoded partner secret
 * (or the key chosen in the console), one of `secrets`, compared in constant time. Answers
 * the events that may change consent (with an id and a UID), or undefined when no secret
 * verifies the body. There is no timestamp window: Gigya resends the same signed body for
 * up to an hour, and a replay only makes us re-read an account.
 * https://help.sap.com/docs/SAP_CUSTOMER_DATA_CLOUD/8b8d6fffe113457094a17701f63e3d6a/41488fb470b21014bbc5a10ce4041860.html
 */
export function verifiedGigyaNotification(secrets: readonly string[], rawBody: string, signature: string): GigyaNotificationEvent[] | undefined {
  const given = Buffer.from(signature, 'base64');
  const valid = secrets.some((secret) => {
    const expected = createHmac('sha1', Buffer.from(secret, 'base64')).update(rawBody, 'utf8').digest();
    return expected.length === given.length && timingSafeEqual(expected, given);
  });
  if (!valid) return undefined;
  let payload: unknown;
  try {
    payload = JSON.parse(rawBody);
  } catch {
    return [];
  }
  const events = (payload as { events?: unknown } | null)?.events;
  if (!Array.isArray(events)) return [];
  return events.flatMap((event: { id?: unknown; type?: unknown; data?: { uid?: unknown } }) =>
    typeof event?.id === 'string' && typeof event.type === 'string' && consentTypes.has(event.type) && typeof event.data?.uid === 'string' && event.data.uid !== ''
      ? [{ id: event.id, type: event.type, uid: event.data.uid }]
      : [],
  );
}
