import { BadUserInputError } from '../../errors/gateway-error';
import type { SystemStatus } from '../../systems/system-status';
import { callSettings } from '../http/http-request';
import { SourceError } from '../http/source-error';
import { describeSource } from '../describe-source';
import { mapInFlight } from '../map-in-flight';
import { phoneVariants } from '../phone-variants';
import type { CallOptions, ChangedPage, ConsentStatusValue, ConsentWrite, LookupKey, SourceAdapter, SourceRecord } from '../source-adapter';
import { ELOQUA_MAX_CONCURRENT_CALLS, EloquaClient, type EloquaClientOptions } from './eloqua-client';
import { eloquaGroupConsent, type EloquaContact, type EloquaGroupSubscription, type EloquaPage } from './eloqua-contact';
import { eloquaContactToRecord } from './eloqua-contact-to-record';

/** Options of an {@link EloquaAdapter}. */
export interface EloquaAdapterOptions extends Omit<EloquaClientOptions, 'system'> {
  /** The configured system name. */
  name: string;
  /** How long the instance's email groups (names to ids) are kept, in ms. @default 600000 */
  groupsTtlMs?: number;
}

/** Eloqua's largest page (`count`). */
const MAX_COUNT = 1000;
const CONTACTS = '/api/REST/1.0/data/contacts';
const contactPath = (id: string) => `/api/REST/1.0/data/contact/${encodeURIComponent(id)}`;

/**
 * The Oracle Eloqua adapter over the Application API 1.0's contacts and email groups.
 *
 * - fetchByIds: Eloqua has no read of many contacts by id. Its `search` parameter joins
 *   criteria only with AND (Oracle documents no OR), so `id='1' OR id='2'` cannot be relied
 *   on; and group subscriptions come only per contact. So each id is `GET data/contact/{id}
 *   ?depth=complete`, then, for a contact found, `GET data/contact/{id}/email/groups/
 *   subscription`: two calls a record, at most 20 in flight (Oracle's concurrency limit).
 *   Ids are numeric; anything else is a miss without a call.
 *   https://docs.oracle.com/en/cloud/saas/marketing/eloqua-rest-api/op-api-rest-1.0-data-contact-id-get.html
 *   https://docs.oracle.com/en/cloud/saas/marketing/eloqua-rest-api/op-api-rest-1.0-data-contact-id-email-groups-subscription-get.html
 * - findByKey: `search=emailAddress='<email>'` (Eloqua keeps one contact per address and
 *   compares ignoring case); a phone is searched in `mobilePhone` and `businessPhone` in each
 *   format it may be typed in, one search each (no OR). Search values are single-quoted and
 *   Oracle documents no escape for a quote, and `*` is a wildcard: a value holding either is
 *   searched up to that character with a trailing `*`, and the answers are kept only when
 *   they hold the value exactly.
 *   https://docs.oracle.com/cloud/latest/marketingcs_gs/OMCAB/Developers/RESTAPI/Tutorials/search_parameter.htm
 * - changedSince: every contact by `page`/`count` (at most 1,000) in id order.
 * - recordsChangedSince: `search=C_DateModified>='<UTC time>'&orderBy=C_DateModified ASC`;
 *   Eloqua keeps whole seconds, so the instant of the last record comes again (harmless).
 *   A search that matches nothing may answer 204 (Oracle documents it): an empty page.
 * - writeConsent: email marketing is the global subscription, `PUT data/contact/{id}` with
 *   `isSubscribed` (the PUT must carry the contact's `emailAddress`, so it is read first);
 *   a purpose held by an email group is `PUT data/contact/{id}/email/group/{groupId}/
 *   subscription`. Both absolute values: a repeat changes nothing.
 *   https://docs.oracle.com/en/cloud/saas/marketing/eloqua-rest-api/op-api-rest-1.0-data-contact-id-put.html
 *   https://docs.oracle.com/en/cloud/saas/marketing/eloqua-rest-api/op-api-rest-1.0-data-contact-id-email-group-groupid-subscription-put.html
 */
export class EloquaAdapter implements SourceAdapter {
  readonly name: string;
  readonly dialect = 'eloqua';
  readonly providedFields: readonly string[] = Object.freeze([
    'givenName', 'familyName', 'emails', 'phones', 'addresses', 'engagement.lists', 'engagement.subscriptionStatus', 'engagement.lastChangedAt', 'consentFlags',
  ]);
  private readonly client: EloquaClient;
  private readonly groupsTtlMs: number;
  private groups: { at: number; byName: Promise<Map<string, string>> } | undefined;

  constructor({ name, groupsTtlMs = 600_000, ...clientOptions }: EloquaAdapterOptions) {
    this.name = name;
    this.groupsTtlMs = groupsTtlMs;
    this.client = new EloquaClient({ system: name, ...clientOptions });
  }

  async fetchByIds(ids: readonly string[], options: CallOptions = {}): Promise<(SourceRecord | null)[]> {
    const wanted = [...new Set(ids.filter(isContactId))];
    const contacts = await mapInFlight(wanted, ELOQUA_MAX_CONCURRENT_CALLS, (id) => this.getContact(id, 'complete', options));
    const records = await this.toRecords(contacts.filter((contact): contact is EloquaContact => contact !== null), options);
    const byId = new Map(records.map((record) => [record.recordId, record]));
    return ids.map((id) => byId.get(id) ?? null);
  }

  /** Two calls a record: the contact, then its email group subscriptions (see the class comment). */
  minimumReadCalls(records: number): number {
    return records * 2;
  }

  async findByKey(key: LookupKey, options: CallOptions = {}): Promise<SourceRecord[]> {
    const searches =
      key.kind === 'email'
        ? [['emailAddress', key.value.trim()] as const]
        : phoneVariants(key.value).flatMap((variant) => [['mobilePhone', variant] as const, ['businessPhone', variant] as const]);
    const found = new Map<string, EloquaContact>();
    await Promise.all(
      searches
        .filter(([, value]) => value !== '')
        .map(async ([field, value]) => {
          for (const contact of await this.search(field, value, options)) found.set(contact.id, contact);
        }),
    );
    return this.toRecords([...found.values()], options);
  }

  async changedSince(cursor: string | null, options: CallOptions & { pageSize?: number } = {}): Promise<ChangedPage> {
    const count = Math.min(Math.max(options.pageSize ?? 500, 1), MAX_COUNT);
    const page = cursor === null ? 1 : decodeCursor(cursor);
    const body = await this.list({ depth: 'complete', count, page, orderBy: 'id ASC' }, options);
    const contacts = body.elements ?? [];
    const more = contacts.length === count && page * count < (body.total ?? 0);
    return { records: await this.toRecords(contacts, options), nextCursor: more ? encodeCursor(page + 1) : null };
  }

  /** Contacts by `C_DateModified` (inclusive), oldest change first. */
  async recordsChangedSince(since: Date, options: CallOptions & { limit?: number } = {}): Promise<SourceRecord[]> {
    const count = Math.min(Math.max(options.limit ?? 500, 1), MAX_COUNT);
    const at = since.toISOString().slice(0, 19).replace('T', ' ');
    const body = await this.list({ depth: 'complete', count, search: `C_DateModified>='${at}'`, orderBy: 'C_DateModified ASC' }, options);
    return this.toRecords(body.elements ?? [], options);
  }

  /** Email marketing (the global subscription) and the purposes email groups hold. */
  acceptsConsent(channel: string, purpose: string): boolean {
    return (channel === 'EMAIL' && purpose === 'MARKETING') || Object.values(eloquaGroupConsent).some((pair) => pair.channel === channel && pair.purpose === purpose);
  }

  async writeConsent(recordId: string, change: ConsentWrite, options: CallOptions = {}): Promise<void> {
    if (!this.acceptsConsent(change.channel, change.purpose)) return;
    if (!isContactId(recordId)) throw new BadUserInputError(`${recordId} is not an Eloqua contact id (a number).`);
    const subscribed = change.status === 'GRANTED' ? 'true' : 'false';
    if (change.channel === 'EMAIL' && change.purpose === 'MARKETING') {
      const contact = await this.getContact(recordId, 'partial', options);
      if (!contact) throw new SourceError(this.name, 'NOT_FOUND', { status: 404 });
      await this.client.send({
        operation: 'writeConsent',
        method: 'PUT',
        path: contactPath(recordId),
        json: { type: 'Contact', id: recordId, emailAddress: contact.emailAddress, isSubscribed: subscribed },
        ...callSettings(options),
      });
      return;
    }
    const name = Object.entries(eloquaGroupConsent).find(([, pair]) => pair.channel === change.channel && pair.purpose === change.purpose)![0];
    const groupId = (await this.groupIds(options)).get(name);
    if (!groupId) return; // this instance has no such group: nothing holds the flag
    await this.client.send({
      operation: 'writeConsent',
      method: 'PUT',
      path: `${contactPath(recordId)}/email/group/${encodeURIComponent(groupId)}/subscription`,
      json: { type: 'EmailGroupSubscription', emailGroup: { type: 'ContactEmailGroup', id: groupId }, isSubscribed: subscribed },
      ...callSettings(options),
    });
  }

  /** A subscription is on or off: PENDING and UNKNOWN are written as unsubscribed and read back as DENIED. */
  statusHeldAfter(change: ConsentWrite): ConsentStatusValue {
    return change.status === 'GRANTED' ? 'GRANTED' : 'DENIED';
  }

  describe(): SystemStatus {
    return describeSource(this, this.client);
  }

  close(): Promise<void> {
    return this.client.close();
  }

  /** The contact, or null on a 404. */
  private async getContact(id: string, depth: 'partial' | 'complete', options: CallOptions): Promise<EloquaContact | null> {
    try {
      const { body } = await this.client.send<EloquaContact>({ operation: 'contact', method: 'GET', path: contactPath(id), query: { depth }, ...callSettings(options) });
      return typeof body === 'object' && body !== null ? body : null;
    } catch (error) {
      if (error instanceof SourceError && error.kind === 'NOT_FOUND') return null;
      throw error;
    }
  }

  private async list(query: Record<string, string | number>, options: CallOptions): Promise<EloquaPage<EloquaContact>> {
    const { status, body } = await this.client.send<EloquaPage<EloquaContact> | undefined>({ operation: 'search', method: 'GET', path: CONTACTS, query, ...callSettings(options) });
    return status === 204 || !body ? { elements: [], total: 0 } : body;
  }

  /** Contacts whose field holds exactly the value (ignoring case); see the class comment on quotes and `*`. */
  private async search(field: string, value: string, options: CallOptions): Promise<EloquaContact[]> {
    const cut = value.search(/['*]/);
    const term = cut < 0 ? value : `${value.slice(0, cut)}*`;
    if (term === '*') return []; // nothing searchable before the quote
    const body = await this.list({ depth: 'complete', count: MAX_COUNT, search: `${field}='${term}'` }, options);
    const contacts = body.elements ?? [];
    return cut < 0 ? contacts : contacts.filter((contact) => String(contact[field as keyof EloquaContact] ?? '').toLowerCase() === value.toLowerCase());
  }

  /** Contacts as records, each with its email group subscriptions (one call per contact). */
  private async toRecords(contacts: readonly EloquaContact[], options: CallOptions): Promise<SourceRecord[]> {
    return mapInFlight(contacts, ELOQUA_MAX_CONCURRENT_CALLS, async (contact) => eloquaContactToRecord(contact, { system: this.name, groups: await this.subscriptions(contact.id, options) }));
  }

  private async subscriptions(id: string, options: CallOptions): Promise<EloquaGroupSubscription[]> {
    try {
      const { body } = await this.client.send<EloquaPage<EloquaGroupSubscription> | undefined>({
        operation: 'subscriptions',
        method: 'GET',
        path: `${contactPath(id)}/email/groups/subscription`,
        query: { depth: 'minimal', count: MAX_COUNT },
        ...callSettings(options),
      });
      return body?.elements ?? [];
    } catch (error) {
      if (error instanceof SourceError && error.kind === 'NOT_FOUND') return []; // deleted between the two calls
      throw error;
    }
  }

  /** The instance's email groups, lower-cased name to id, read once and kept for `groupsTtlMs`. */
  private groupIds(options: CallOptions): Promise<Map<string, string>> {
    if (!this.groups || Date.now() - this.groups.at > this.groupsTtlMs) {
      const byName = this.client
        .send<EloquaPage<{ id: string; name: string }>>({ operation: 'groups', method: 'GET', path: '/api/REST/1.0/assets/email/groups', query: { depth: 'minimal', count: MAX_COUNT }, ...callSettings(options) })
        .then(({ body }) => new Map((body?.elements ?? []).map((group) => [group.name.trim().toLowerCase(), group.id])));
      byName.catch(() => (this.groups = undefined));
      this.groups = { at: Date.now(), byName };
    }
    return this.groups.byName;
  }
}

/** Eloqua contact ids are numbers (sent as strings). */
function isContactId(value: string): boolean {
  return /^\d{1,18}$/.test(value);
}

function encodeCursor(page: number): string {
  return Buffer.from(JSON.stringify({ page })).toString('base64url');
}

function decodeCursor(cursor: string): number {
  try {
    const { page } = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { page?: unknown };
    if (Number.isInteger(page) && (page as number) >= 1) return page as number;
  } catch {
    // fall through to the error below
  }
  throw new BadUserInputError('cursor is not one this Eloqua system issued; pass null to start from the beginning.');
}
