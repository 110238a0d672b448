import { BadUserInputError } from '../../errors/gateway-error';
import type { SystemStatus } from '../../systems/system-status';
import { callSettings } from '../http/http-request';
import { phoneVariants } from '../phone-variants';
import { describeSource } from '../describe-source';
import type {
  CallOptions,
  ChangedPage,
  ConsentStatusValue,
  ConsentWrite,
  LookupKey,
  SourceAdapter,
  SourceRecord,
} from '../source-adapter';
import { DynamicsClient, type DynamicsClientOptions } from './dynamics-client';
import { DYNAMICS_CONTACT_COLUMNS, dynamicsConsentColumns, type DynamicsContact, type ODataPage } from './dynamics-contact';
import { dynamicsContactToRecord } from './dynamics-contact-to-record';
import { isGuid, odataAnyEquals, odataString } from './odata';

/** Options of a {@link DynamicsAdapter}. */
export interface DynamicsAdapterOptions extends Omit<DynamicsClientOptions, 'system'> {
  /** The configured system name. */
  name: string;
}

/**
 * Ids per read by id. A Web API GET's URL may have 32,768 characters; each id in
 * `In(...PropertyValues=[...])` takes some 44 once percent-encoded, so 500 ids are about
 * 22,000 characters beside the `$select`, and one page (5,000 rows) holds them all.
 * https://learn.microsoft.com/en-us/power-apps/developer/data-platform/webapi/compose-http-requests-handle-errors#maximum-url-length
 */
export const DYNAMICS_IDS_PER_CALL = 500;

/** Rows per page Dataverse answers at most (`Prefer: odata.maxpagesize` caps below it). */
const MAX_PAGE_SIZE = 5000;

/** Which column a consent write goes to. */
const columnFor = new Map<string, string>(dynamicsConsentColumns.map(({ column, channel, purpose }) => [`${channel}/${purpose}`, column]));

/**
 * The Microsoft Dynamics 365 adapter over the Dataverse Web API's `contacts` (OData v4).
 *
 * - fetchByIds: `GET contacts?$select=...&$filter=Microsoft.Dynamics.CRM.In(PropertyName='contactid',
 *   PropertyValues=['<guid>',...])`, 500 ids a call, following `@odata.nextLink`. Ids are
 *   GUIDs, compared ignoring case; anything else is a miss without a call.
 *   https://learn.microsoft.com/en-us/power-apps/developer/data-platform/webapi/reference/in
 * - findByKey: an email is looked for in `emailaddress1`, `2` and `3`, a phone in
 *   `mobilephone`, `telephone1` and `telephone2`, in every format it may be typed in (see
 *   phoneVariants): `col eq 'v' or ...`, values quoted the OData way (a quote doubled).
 *   Dataverse compares text ignoring case.
 * - changedSince: the whole table by server-driven paging (`Prefer: odata.maxpagesize`);
 *   the cursor is the `@odata.nextLink` Dataverse gave, kept relative to the environment.
 *   https://learn.microsoft.com/en-us/power-apps/developer/data-platform/webapi/query/page-results
 * - recordsChangedSince: `$filter=modifiedon ge <time>&$orderby=modifiedon asc,contactid asc&$top=N`.
 *   Why not change tracking (`Prefer: odata.track-changes` and delta links): the port asks
 *   for changes since a time, and a delta token is an opaque mark of an earlier call that
 *   no time can be turned into; Dataverse also refuses `$top` and `$orderby` with it.
 * - writeConsent: `PATCH contacts(<id>)` of one "do not" column, an absolute boolean (a
 *   repeat changes nothing), under `If-Match: *`: without it a PATCH is an upsert, and a
 *   contact deleted meanwhile would be created again with only that column.
 *   https://learn.microsoft.com/en-us/power-apps/developer/data-platform/webapi/perform-conditional-operations-using-web-api#prevent-create-in-upsert
 */
export class DynamicsAdapter implements SourceAdapter {
  readonly name: string;
  readonly dialect = 'dynamics';
  readonly providedFields: readonly string[] = Object.freeze(['givenName', 'familyName', 'emails', 'phones', 'addresses', 'birthDate', 'consentFlags']);
  private readonly client: DynamicsClient;
  private readonly select = DYNAMICS_CONTACT_COLUMNS.join(',');

  constructor({ name, ...clientOptions }: DynamicsAdapterOptions) {
    this.name = name;
    this.client = new DynamicsClient({ system: name, ...clientOptions });
  }

  async fetchByIds(ids: readonly string[], options: CallOptions = {}): Promise<(SourceRecord | null)[]> {
    const wanted = [...new Set(ids.filter(isGuid).map((id) => id.toLowerCase()))];
    const found = new Map<string, DynamicsContact>();
    const batches: string[][] = [];
    for (let start = 0; start < wanted.length; start += DYNAMICS_IDS_PER_CALL) batches.push(wanted.slice(start, start + DYNAMICS_IDS_PER_CALL));
    await Promise.all(
      batches.map(async (batch) => {
        const filter = `Microsoft.Dynamics.CRM.In(PropertyName='contactid',PropertyValues=[${batch.map(odataString).join(',')}])`;
        for (const contact of await this.query({ $filter: filter }, options)) found.set(contact.contactid.toLowerCase(), contact);
      }),
    );
    return ids.map((id) => {
      const contact = isGuid(id) ? found.get(id.toLowerCase()) : undefined;
      return contact ? this.toRecord(contact) : null;
    });
  }

  minimumReadCalls(records: number): number {
    return Math.ceil(records / DYNAMICS_IDS_PER_CALL);
  }

  async findByKey(key: LookupKey, options: CallOptions = {}): Promise<SourceRecord[]> {
    const filter =
      key.kind === 'email'
        ? odataAnyEquals(['emailaddress1', 'emailaddress2', 'emailaddress3'], [key.value.trim()])
        : odataAnyEquals(['mobilephone', 'telephone1', 'telephone2'], phoneVariants(key.value));
    return (await this.query({ $filter: filter }, options)).map((contact) => this.toRecord(contact));
  }

  async changedSince(cursor: string | null, options: CallOptions & { pageSize?: number } = {}): Promise<ChangedPage> {
    const pageSize = Math.min(Math.max(options.pageSize ?? 500, 1), MAX_PAGE_SIZE);
    const page = await this.page(cursor === null ? this.collectionPath({}) : decodeCursor(cursor, this.client.dataPath), pageSize, options);
    const next = page['@odata.nextLink'];
    return {
      records: page.value.map((contact) => this.toRecord(contact)),
      nextCursor: next ? encodeCursor(this.relative(next)) : null,
    };
  }

  /** Changes by `modifiedon`, which every update stamps: https://learn.microsoft.com/en-us/power-apps/developer/data-platform/reference/entities/contact#BKMK_ModifiedOn */
  async recordsChangedSince(since: Date, options: CallOptions & { limit?: number } = {}): Promise<SourceRecord[]> {
    const limit = Math.min(Math.max(options.limit ?? 500, 1), MAX_PAGE_SIZE);
    // Datetime literals are unquoted in OData; Dataverse keeps whole seconds.
    const at = since.toISOString().replace(/\.\d{3}Z$/, 'Z');
    const page = await this.page(this.collectionPath({ $filter: `modifiedon ge ${at}`, $orderby: 'modifiedon asc,contactid asc', $top: String(limit) }), limit, options);
    return page.value.map((contact) => this.toRecord(contact));
  }

  /** Whether this source holds the flag: the six "do not" columns' pairs. */
  acceptsConsent(channel: string, purpose: string): boolean {
    return columnFor.has(`${channel}/${purpose}`);
  }

  /**
   * Sets the "do not" column. Only GRANTED clears it: PENDING, DENIED and UNKNOWN all mean
   * "do not contact yet", and the column can say no more.
   */
  async writeConsent(recordId: string, change: ConsentWrite, options: CallOptions = {}): Promise<void> {
    const column = columnFor.get(`${change.channel}/${change.purpose}`);
    if (!column) return;
    if (!isGuid(recordId)) throw new BadUserInputError(`${recordId} is not a Dynamics 365 contact id (a GUID).`);
    await this.client.send({
      operation: 'writeConsent',
      method: 'PATCH',
      path: `${this.client.dataPath}/contacts(${recordId.toLowerCase()})`,
      headers: { 'if-match': '*' },
      json: { [column]: change.status !== 'GRANTED' },
      idempotent: true, // an absolute value: repeating it changes nothing
      ...callSettings(options),
    });
  }

  /** A "do not" column holds GRANTED (false) or DENIED (true): PENDING and UNKNOWN read back as DENIED. */
  statusHeldAfter(change: ConsentWrite): ConsentStatusValue {
    return change.status === 'GRANTED' ? 'GRANTED' : 'DENIED';
  }

  describe(): SystemStatus {
    return describeSource(this, this.client);
  }

  close(): Promise<void> {
    return this.client.close();
  }

  /** Every row a query answers: its first page, then each `@odata.nextLink`. */
  private async query(params: Record<string, string>, options: CallOptions): Promise<DynamicsContact[]> {
    const rows: DynamicsContact[] = [];
    for (let path: string | undefined = this.collectionPath(params); path; ) {
      const page = await this.page(path, MAX_PAGE_SIZE, options);
      rows.push(...page.value);
      path = page['@odata.nextLink'];
    }
    return rows;
  }

  private async page(path: string, pageSize: number, options: CallOptions): Promise<ODataPage<DynamicsContact>> {
    const { body } = await this.client.send<ODataPage<DynamicsContact>>({
      operation: 'query',
      method: 'GET',
      path,
      headers: { prefer: `odata.maxpagesize=${pageSize}` },
      ...callSettings(options),
    });
    return body;
  }

  /**
   * `contacts?$select=...&...`, with `$` kept in the option names and values
   * percent-encoded, as Dataverse writes its own links.
   */
  private collectionPath(params: Record<string, string>): string {
    const query = Object.entries({ $select: this.select, ...params }).map(([name, value]) => `${name}=${encodeURIComponent(value)}`);
    return `${this.client.dataPath}/contacts?${query.join('&')}`;
  }

  /** A next link as a path under the environment (the cursor never carries a host to send credentials to). */
  private relative(link: string): string {
    const url = new URL(link, this.client.baseUrl);
    return `${url.pathname}${url.search}`;
  }

  private toRecord(contact: DynamicsContact): SourceRecord {
    return dynamicsContactToRecord(contact, { system: this.name });
  }
}

function encodeCursor(path: string): string {
  return Buffer.from(JSON.stringify({ next: path })).toString('base64url');
}

function decodeCursor(cursor: string, dataPath: string): string {
  try {
    const { next } = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { next?: unknown };
    if (typeof next === 'string' && next.startsWith(`${dataPath}/contacts?`)) return next;
  } catch {
    // fall through to the error below
  }
  throw new BadUserInputError('cursor is not one this Dynamics 365 system issued; pass null to start from the beginning.');
}
