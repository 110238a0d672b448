import { BadUserInputError } from '../../errors/gateway-error';
import type { SystemStatus } from '../../systems/system-status';
import { callSettings } from '../http/http-request';
import { SourceError } from '../http/source-error';
import { describeSource } from '../describe-source';
import type { CallOptions, ChangedPage, ConsentStatusValue, ConsentWrite, LookupKey, SourceAdapter, SourceRecord } from '../source-adapter';
import { MailchimpAudienceNames, type MailchimpAudienceNamesOptions } from './mailchimp-audience-names';
import { MailchimpClient, type MailchimpClientOptions } from './mailchimp-client';
import { defaultMailchimpFieldMap, type MailchimpFieldMap, type MailchimpMember } from './mailchimp-member';
import { mailchimpMemberToRecord, mailchimpPermissionConsent, mailchimpStatusToConsent } from './mailchimp-member-to-record';
import { subscriberHash } from './subscriber-hash';

/** Options of a {@link MailchimpAdapter}. */
export interface MailchimpAdapterOptions extends Omit<MailchimpClientOptions, 'system'> {
  /** The configured system name. */
  name: string;
  /** The audience (list) id. */
  listId: string;
  /** The audience's merge tags. @default defaultMailchimpFieldMap */
  fieldMap?: MailchimpFieldMap;
  /** How the audience's and interests' names are kept. @default 10 minutes, re-read after 30 s for an unknown interest */
  names?: MailchimpAudienceNamesOptions;
}

/** Mailchimp's largest page of list members. */
const MAX_PAGE = 1000;

/** Our status -> the member status that expresses it. UNKNOWN is written as unsubscribed: no consent, no mail. */
const statusFor = { GRANTED: 'subscribed', DENIED: 'unsubscribed', PENDING: 'pending', UNKNOWN: 'unsubscribed' } as const;

/** Member responses carry a large `_links` block we never read. */
const EXCLUDE = { exclude_fields: '_links' };

/**
 * The Mailchimp Marketing API v3 adapter over one audience's members.
 *
 * - Record ids are subscriber hashes (the member's `id`), so fetchByIds and email lookups
 *   are `GET /lists/{list_id}/members/{hash}`; the pool's 10 connections bound them.
 *   https://mailchimp.com/developer/marketing/api/list-members/get-member-info/
 * - changedSince lists members with `since_last_changed`, sorted by `last_changed`
 *   ascending, paged by `count` (at most 1,000) and `offset`. The cursor keeps the
 *   starting time and the offset: a member changed during a backfill moves past the end
 *   and is picked up by the next backfill from the last time seen.
 *   https://mailchimp.com/developer/marketing/api/list-members/list-members-info/
 * - writeConsent PATCHes the member's status (email marketing) or a GDPR marketing
 *   permission, both absolute values.
 *   https://mailchimp.com/developer/marketing/api/list-members/update-list-member/
 * - A member names its audience and interests by id; records carry their names, read
 *   and kept by {@link MailchimpAudienceNames}.
 */
export class MailchimpAdapter implements SourceAdapter {
  readonly name: string;
  readonly dialect = 'mailchimp';
  readonly providedFields: readonly string[] = Object.freeze([
    'givenName', 'familyName', 'emails', 'phones', 'addresses', 'locale',
    'engagement.lists', 'engagement.subscriptionStatus', 'engagement.lastChangedAt', 'engagement.interests', 'consentFlags',
  ]);
  private readonly client: MailchimpClient;
  private readonly membersPath: string;
  private readonly fieldMap: MailchimpFieldMap;
  private readonly names: MailchimpAudienceNames;

  constructor({ name, listId, fieldMap, names, ...clientOptions }: MailchimpAdapterOptions) {
    this.name = name;
    this.client = new MailchimpClient({ system: name, ...clientOptions });
    const listPath = `/lists/${encodeURIComponent(listId)}`;
    this.membersPath = `${listPath}/members`;
    this.fieldMap = { ...defaultMailchimpFieldMap, ...fieldMap };
    this.names = new MailchimpAudienceNames(this.client, listPath, names);
  }

  async fetchByIds(ids: readonly string[], options: CallOptions = {}): Promise<(SourceRecord | null)[]> {
    // The names (read once, then kept) load beside the members rather than after them.
    const names = ids.some(isSubscriberHash) ? this.names.get(options).catch(() => undefined) : undefined;
    const members = await Promise.all(ids.map((id) => this.getMember(id, options)));
    await names;
    const records = await this.toRecords(members.filter((member): member is MailchimpMember => member !== null), options);
    const byId = new Map(records.map((record) => [record.recordId, record]));
    return members.map((member) => (member ? byId.get(member.id)! : null));
  }

  /** One GET per member: the API has no read of many members by id (the names are read once and kept). */
  minimumReadCalls(records: number): number {
    return records;
  }

  /**
   * By email: the member at the address's subscriber hash. By phone: always [], because
   * the API has no query on merge fields (search-members matches emails and names only),
   * and listing the whole audience for one lookup is a backfill, not a lookup.
   */
  async findByKey(key: LookupKey, options: CallOptions = {}): Promise<SourceRecord[]> {
    if (key.kind !== 'email') return [];
    const member = await this.getMember(subscriberHash(key.value), options);
    return member ? this.toRecords([member], options) : [];
  }

  async changedSince(cursor: string | null, options: CallOptions & { pageSize?: number } = {}): Promise<ChangedPage> {
    const count = Math.min(Math.max(options.pageSize ?? 500, 1), MAX_PAGE);
    const at = cursor === null ? { since: undefined, offset: 0 } : decodeCursor(cursor);
    const { body } = await this.client.send<{ members: MailchimpMember[]; total_items: number }>({
      operation: 'list',
      method: 'GET',
      path: this.membersPath,
      query: {
        count,
        offset: at.offset,
        since_last_changed: at.since,
        sort_field: 'last_changed',
        sort_dir: 'ASC',
        ...EXCLUDE,
      },
      ...callSettings(options),
    });
    const records = await this.toRecords(body.members, options);
    const offset = at.offset + records.length;
    const more = records.length === count && offset < body.total_items;
    return { records, nextCursor: more ? encodeCursor({ since: at.since, offset }) : null };
  }

  /** Members by `since_last_changed` (inclusive), oldest change first. */
  async recordsChangedSince(since: Date, options: CallOptions & { limit?: number } = {}): Promise<SourceRecord[]> {
    const count = Math.min(Math.max(options.limit ?? 500, 1), MAX_PAGE);
    const { body } = await this.client.send<{ members: MailchimpMember[] }>({
      operation: 'list',
      method: 'GET',
      path: this.membersPath,
      query: { count, since_last_changed: since.toISOString(), sort_field: 'last_changed', sort_dir: 'ASC', ...EXCLUDE },
      ...callSettings(options),
    });
    return this.toRecords(body.members, options);
  }

  /** Email marketing (the status) and the GDPR permissions the audience has (by text). */
  acceptsConsent(channel: string, purpose: string): boolean {
    return (
      (channel === 'EMAIL' && purpose === 'MARKETING') ||
      Object.values(mailchimpPermissionConsent).some((pair) => pair.channel === channel && pair.purpose === purpose)
    );
  }

  async writeConsent(recordId: string, change: ConsentWrite, options: CallOptions = {}): Promise<void> {
    if (change.channel === 'EMAIL' && change.purpose === 'MARKETING') {
      await this.patchMember(recordId, { status: statusFor[change.status] }, options);
      return;
    }
    const text = Object.entries(mailchimpPermissionConsent).find(
      ([, pair]) => pair.channel === change.channel && pair.purpose === change.purpose,
    )?.[0];
    if (!text) return;
    // Permission ids differ per audience: read the member's to find the one with this text.
    const member = await this.getMember(recordId, options);
    if (!member) throw new SourceError(this.name, 'NOT_FOUND', { status: 404 });
    const permission = member.marketing_permissions?.find((entry) => entry.text.trim().toLowerCase() === text);
    if (!permission) return;
    await this.patchMember(
      recordId,
      { marketing_permissions: [{ marketing_permission_id: permission.marketing_permission_id, enabled: change.status === 'GRANTED' }] },
      options,
    );
  }

  /** UNKNOWN is written as `unsubscribed` (DENIED); a GDPR permission is on or off, so only GRANTED reads back as itself. */
  statusHeldAfter(change: ConsentWrite): ConsentStatusValue {
    if (change.channel === 'EMAIL' && change.purpose === 'MARKETING') return mailchimpStatusToConsent[statusFor[change.status]]!;
    return change.status === 'GRANTED' ? 'GRANTED' : 'DENIED';
  }

  describe(): SystemStatus {
    return describeSource(this, this.client);
  }

  close(): Promise<void> {
    return this.client.close();
  }

  /** The member at a subscriber hash, or null on a 404. */
  private async getMember(hash: string, options: CallOptions): Promise<MailchimpMember | null> {
    if (!isSubscriberHash(hash)) return null; // nothing to ask for
    try {
      const { body } = await this.client.send<MailchimpMember>({
        operation: 'member',
        method: 'GET',
        path: `${this.membersPath}/${hash.toLowerCase()}`,
        query: EXCLUDE,
        ...callSettings(options),
      });
      return body;
    } catch (error) {
      if (error instanceof SourceError && error.kind === 'NOT_FOUND') return null;
      throw error;
    }
  }

  private async patchMember(hash: string, body: Record<string, unknown>, options: CallOptions): Promise<void> {
    await this.client.send({
      operation: 'writeConsent',
      method: 'PATCH',
      path: `${this.membersPath}/${encodeURIComponent(hash.toLowerCase())}`,
      query: EXCLUDE,
      json: body,
      idempotent: true, // absolute values: repeating the PATCH changes nothing
      ...callSettings(options),
    });
  }

  /** Members as records, their audience and interests by name. */
  private async toRecords(members: readonly MailchimpMember[], options: CallOptions): Promise<SourceRecord[]> {
    if (members.length === 0) return [];
    const shown = members.flatMap((member) => Object.entries(member.interests ?? {}).filter(([, on]) => on).map(([id]) => id));
    const names = await this.names.get(options, shown);
    return members.map((member) => mailchimpMemberToRecord(member, { system: this.name, fieldMap: this.fieldMap, names }));
  }
}

/** Whether a value can be a subscriber hash (32 hex digits); anything else names no member. */
function isSubscriberHash(value: string): boolean {
  return /^[0-9a-f]{32}$/i.test(value);
}

interface Cursor {
  since: string | undefined;
  offset: number;
}

function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

function decodeCursor(cursor: string): Cursor {
  try {
    const { since, offset } = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Partial<Cursor>;
    if (Number.isInteger(offset) && (offset as number) >= 0 && (since === undefined || typeof since === 'string')) {
      return { since, offset: offset as number };
    }
  } catch {
    // fall through to the error below
  }
  throw new BadUserInputError('cursor is not one this Mailchimp system issued; pass null to start from the beginning.');
}
