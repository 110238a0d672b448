import { randomBytes } from 'node:crypto';
import type { MailchimpMember } from '../population/vendor-records';
import { MAILCHIMP_INTERESTS } from '../population/reference-data';
import type { OutgoingWebhook } from '../http/webhook-sender';

/**
 * Mailchimp's audience webhooks: the registry behind `/lists/{list_id}/webhooks` and the
 * form-encoded POSTs a member change sends.
 *
 * - Registration: `url` (required), `events` {subscribe, unsubscribe, profile, cleaned,
 *   upemail, campaign} and `sources` {user, admin, api}, booleans; a flag left out is
 *   false. Before it saves one, Mailchimp GETs the URL and refuses with "We couldn't verify
 *   the URL is working" unless it answers 200; a URL already registered on the audience is
 *   refused too (the wording of that refusal is ours).
 *   https://mailchimp.com/developer/marketing/api/list-webhooks/
 *   https://mailchimp.com/developer/marketing/guides/sync-audience-data-webhooks/
 * - Payload: `application/x-www-form-urlencoded`, `type`, `fired_at` (`YYYY-MM-DD HH:MM:SS`,
 *   UTC) and `data[...]` in PHP's bracket notation: for subscribe / unsubscribe / profile
 *   the member (`data[id]`, `data[email]`, `data[email_type]`, `data[ip_opt]`,
 *   `data[web_id]`, `data[list_id]`, `data[merges][EMAIL]`, `data[merges][FNAME]`, ...,
 *   `data[merges][INTERESTS]` as the interest names joined by ", "; we add `data[interests]`,
 *   the same names, for receivers that look there); unsubscribe adds `data[action]=unsub`,
 *   `data[reason]=manual`, `data[campaign_id]`; cleaned carries `data[list_id]`,
 *   `data[campaign_id]`, `data[reason]=hard`, `data[email]`; upemail `data[list_id]`,
 *   `data[new_id]`, `data[new_email]`, `data[old_email]`. No marketing permissions and no
 *   signature: a receiver re-reads the member from the API.
 *   https://mailchimp.com/developer/marketing/guides/sync-audience-data-webhooks/#webhook-events
 */

/** Which events a webhook hears. */
export const MAILCHIMP_WEBHOOK_EVENTS = ['subscribe', 'unsubscribe', 'profile', 'cleaned', 'upemail', 'campaign'] as const;
/** Who may have made the change: the subscriber, an admin in the web app, or the API. */
export const MAILCHIMP_WEBHOOK_SOURCES = ['user', 'admin', 'api'] as const;

export type MailchimpWebhookEvent = (typeof MAILCHIMP_WEBHOOK_EVENTS)[number];
export type MailchimpWebhookSource = (typeof MAILCHIMP_WEBHOOK_SOURCES)[number];

/** A registered webhook, as the API answers it (without `_links`). */
export interface MailchimpWebhook {
  id: string;
  url: string;
  events: Record<MailchimpWebhookEvent, boolean>;
  sources: Record<MailchimpWebhookSource, boolean>;
  list_id: string;
}

/** A field-level validation error, as Mailchimp lists them. */
export interface FieldError {
  field: string;
  message: string;
}

/** Checks a registration body; answers the webhook to save (id not yet set) or the field errors. */
export function parseWebhookRegistration(body: unknown, listId: string): Omit<MailchimpWebhook, 'id'> | FieldError[] {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return [{ field: '', message: 'The request body must be a JSON object.' }];
  const input = body as { url?: unknown; events?: unknown; sources?: unknown };
  const errors: FieldError[] = [];
  if (input.url === undefined || input.url === '') errors.push({ field: 'url', message: 'This value should not be blank.' });
  else if (typeof input.url !== 'string' || !/^https?:\/\//i.test(input.url) || !URL.canParse(input.url)) {
    errors.push({ field: 'url', message: 'This value should be a valid URL.' });
  }
  const flags = <K extends string>(name: string, value: unknown, keys: readonly K[]): Record<K, boolean> => {
    const out = Object.fromEntries(keys.map((key) => [key, false])) as Record<K, boolean>;
    if (value === undefined) return out;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      errors.push({ field: name, message: `${name} must be an object of booleans` });
      return out;
    }
    for (const [key, flag] of Object.entries(value)) {
      if (!keys.includes(key as K)) errors.push({ field: `${name}.${key}`, message: `Value must be one of: ${keys.join(', ')}` });
      else if (typeof flag !== 'boolean') errors.push({ field: `${name}.${key}`, message: 'must be a boolean' });
      else out[key as K] = flag;
    }
    return out;
  };
  const events = flags('events', input.events, MAILCHIMP_WEBHOOK_EVENTS);
  const sources = flags('sources', input.sources, MAILCHIMP_WEBHOOK_SOURCES);
  return errors.length > 0 ? errors : { url: input.url as string, events, sources, list_id: listId };
}

/** A new webhook id (10 hex characters, as Mailchimp's look). */
export function newWebhookId(): string {
  return randomBytes(5).toString('hex');
}

/** What a member looked like before a change, for telling which events it fires. */
export type MemberSnapshot = Pick<MailchimpMember, 'id' | 'email_address' | 'status' | 'merge_fields' | 'interests' | 'marketing_permissions'>;

/** A copy of the parts of a member that decide the events (null for a member the change creates). */
export function snapshotMember(member: MailchimpMember | undefined): MemberSnapshot | null {
  return member ? structuredClone({
    id: member.id,
    email_address: member.email_address,
    status: member.status,
    merge_fields: member.merge_fields,
    interests: member.interests,
    marketing_permissions: member.marketing_permissions,
  }) : null;
}

/**
 * The events a change fires, in this order: upemail (the address changed), then the
 * status's (subscribed -> subscribe, unsubscribed -> unsubscribe, cleaned -> cleaned;
 * pending, transactional and archived fire none), then profile (merge fields, interests or
 * marketing permissions changed). A change that changes nothing fires nothing.
 */
export function eventsFor(before: MemberSnapshot | null, after: MailchimpMember): Exclude<MailchimpWebhookEvent, 'campaign'>[] {
  const events: Exclude<MailchimpWebhookEvent, 'campaign'>[] = [];
  if (before && before.email_address.trim().toLowerCase() !== after.email_address.trim().toLowerCase()) events.push('upemail');
  if (!before || before.status !== after.status) {
    if (after.status === 'subscribed') events.push('subscribe');
    if (after.status === 'unsubscribed') events.push('unsubscribe');
    if (after.status === 'cleaned') events.push('cleaned');
  }
  const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
  if (
    before &&
    (!same(before.merge_fields, after.merge_fields) ||
      !same(before.interests, after.interests) ||
      !same(before.marketing_permissions, after.marketing_permissions))
  ) {
    events.push('profile');
  }
  return events;
}

/** The POSTs a change sends: one per event and per webhook that hears that event from that source. */
export function webhookMessages(
  webhooks: Iterable<MailchimpWebhook>,
  before: MemberSnapshot | null,
  after: MailchimpMember,
  source: MailchimpWebhookSource,
  firedAt = new Date(),
): OutgoingWebhook[] {
  const events = eventsFor(before, after);
  const out: OutgoingWebhook[] = [];
  for (const type of events) {
    const body = webhookForm(type, before, after, firedAt).toString();
    for (const webhook of webhooks) {
      if (!webhook.events[type] || !webhook.sources[source]) continue;
      out.push({
        url: webhook.url,
        type,
        // contact_id stays when the address (and so the subscriber hash) changes.
        orderKey: after.contact_id,
        body,
        contentType: 'application/x-www-form-urlencoded',
        headers: () => ({ 'user-agent': 'MailChimp' }),
      });
    }
  }
  return out;
}

/** One event's form body. */
export function webhookForm(
  type: Exclude<MailchimpWebhookEvent, 'campaign'>,
  before: MemberSnapshot | null,
  member: MailchimpMember,
  firedAt: Date,
): URLSearchParams {
  const form = new URLSearchParams({ type, fired_at: firedAt.toISOString().slice(0, 19).replace('T', ' ') });
  const data = (name: string, value: string | number): void => form.append(`data[${name}]`, String(value));
  const merge = (path: string, value: string): void => form.append(`data[merges]${path}`, value);
  if (type === 'upemail') {
    data('list_id', member.list_id);
    data('new_id', member.id);
    data('new_email', member.email_address);
    data('old_email', before?.email_address ?? '');
    return form;
  }
  if (type === 'cleaned') {
    data('list_id', member.list_id);
    data('campaign_id', '');
    data('reason', 'hard');
    data('email', member.email_address);
    return form;
  }
  if (type === 'unsubscribe') {
    data('action', 'unsub');
    data('reason', 'manual');
  }
  data('id', member.id);
  data('email', member.email_address);
  data('email_type', member.email_type);
  data('ip_opt', '');
  data('web_id', member.web_id);
  data('list_id', member.list_id);
  merge('[EMAIL]', member.email_address);
  for (const [tag, value] of Object.entries(member.merge_fields)) {
    if (typeof value === 'object' && value !== null) {
      for (const [part, text] of Object.entries(value)) merge(`[${tag}][${part}]`, String(text));
    } else merge(`[${tag}]`, String(value));
  }
  const interests = MAILCHIMP_INTERESTS.filter((interest) => member.interests[interest.id]).map((interest) => interest.name).join(', ');
  merge('[INTERESTS]', interests);
  data('interests', interests);
  if (type === 'unsubscribe') data('campaign_id', '');
  return form;
}
