import { BadUserInputError } from '../../errors/gateway-error';
import type { SystemStatus } from '../../systems/system-status';
import { callSettings } from '../http/http-request';
import { SourceError } from '../http/source-error';
import { phoneVariants } from '../phone-variants';
import { describeSource } from '../describe-source';
import type { CallOptions, ChangedPage, ConsentWrite, LookupKey, SourceAdapter, SourceRecord } from '../source-adapter';
import { ScimClient, type ScimClientOptions } from './scim-client';
import { scimEquals } from './scim-filter';
import { CONSENT_EXTENSION_URN, scimConsentAttributes, type ScimListResponse, type ScimUser } from './scim-user';
import { scimUserToRecord } from './scim-user-to-record';

/** Options of a {@link ScimAdapter}. */
export interface ScimAdapterOptions extends Omit<ScimClientOptions, 'system'> {
  /** The configured system name. */
  name: string;
  /** The system whose ids `externalId` holds (the CRM that provisions users). @default none */
  crossReferenceSystem?: string;
  /** Users per lookup page. @default 100 */
  lookupPageSize?: number;
  /** Attempts of a consent write that meets a newer version (412). @default 3 */
  writeAttempts?: number;
  /** Ids per batched read (`id eq ... or ...`); 1 reads each id with its own GET. @default 50 */
  idBatchSize?: number;
}

/**
 * The SCIM 2.0 adapter over Users (RFC 7643/7644).
 *
 * - fetchByIds: one id is `GET /Users/{id}`; more are read in batches with
 *   `GET /Users?filter=id eq "a" or id eq "b" ...` (`or` is part of the filter grammar,
 *   https://datatracker.ietf.org/doc/html/rfc7644#section-3.4.2.2), `idBatchSize` ids a
 *   call to keep the URL short. A provider that cannot filter on `id` takes
 *   `idBatchSize: 1`: one GET per id, bounded by the pool.
 * - findByKey: `GET /Users?filter=emails.value eq "..."` or `phoneNumbers.value eq "..."`,
 *   paging the ListResponse by its 1-based `startIndex` and `count`.
 * - changedSince pages the whole Users list by `startIndex`; the cursor is the next
 *   index. Why not a filter on `meta.lastModified`: RFC 7644 makes filtering on it and
 *   sorting optional (ServiceProviderConfig), common providers do neither, and without
 *   a sort a time filter plus paging can skip users. Continuous change arrives by webhook.
 * - writeConsent: `PATCH /Users/{id}` with a `replace` operation on our consent
 *   extension attribute, under `If-Match: meta.version`; on a 412 (someone changed the
 *   user in between) the user is re-read and the write repeated, a bounded number of times.
 *   https://datatracker.ietf.org/doc/html/rfc7644#section-3.5.2
 */
export class ScimAdapter implements SourceAdapter {
  readonly name: string;
  readonly dialect = 'scim';
  readonly providedFields: readonly string[] = Object.freeze([
    'givenName', 'familyName', 'emails', 'phones', 'locale', 'identity.username', 'identity.active', 'consentFlags',
    'crossReferences',
  ]);
  private readonly client: ScimClient;
  private readonly crossReferenceSystem?: string;
  private readonly lookupPageSize: number;
  private readonly writeAttempts: number;
  private readonly idBatchSize: number;

  constructor({ name, crossReferenceSystem, lookupPageSize = 100, writeAttempts = 3, idBatchSize = 50, ...clientOptions }: ScimAdapterOptions) {
    this.name = name;
    this.client = new ScimClient({ system: name, ...clientOptions });
    this.crossReferenceSystem = crossReferenceSystem;
    this.lookupPageSize = lookupPageSize;
    this.writeAttempts = writeAttempts;
    this.idBatchSize = Math.max(1, idBatchSize);
  }

  async fetchByIds(ids: readonly string[], options: CallOptions = {}): Promise<(SourceRecord | null)[]> {
    const wanted = [...new Set(ids.filter((id) => id !== ''))];
    const found = new Map<string, ScimUser>();
    if (wanted.length === 1 || this.idBatchSize === 1) {
      const users = await Promise.all(wanted.map((id) => this.getUser(id, options)));
      users.forEach((user, index) => user && found.set(wanted[index]!, user));
    } else {
      const batches: string[][] = [];
      for (let start = 0; start < wanted.length; start += this.idBatchSize) batches.push(wanted.slice(start, start + this.idBatchSize));
      await Promise.all(
        batches.map(async (batch) => {
          const filter = batch.map((id) => scimEquals('id', id)).join(' or ');
          for (let startIndex = 1; ; ) {
            const page = await this.listUsers({ filter, startIndex, count: batch.length }, options);
            const users = page.Resources ?? [];
            for (const user of users) found.set(user.id, user);
            startIndex += users.length;
            if (users.length === 0 || startIndex > page.totalResults) break;
          }
        }),
      );
    }
    return ids.map((id) => {
      const user = found.get(id);
      return user ? this.toRecord(user) : null;
    });
  }

  minimumReadCalls(records: number): number {
    return records <= 1 || this.idBatchSize === 1 ? records : Math.ceil(records / this.idBatchSize);
  }

  async findByKey(key: LookupKey, options: CallOptions = {}): Promise<SourceRecord[]> {
    const filter =
      key.kind === 'email'
        ? scimEquals('emails.value', key.value.trim())
        : phoneVariants(key.value).map((variant) => scimEquals('phoneNumbers.value', variant)).join(' or ');
    const records: SourceRecord[] = [];
    for (let startIndex = 1; ; ) {
      const page = await this.listUsers({ filter, startIndex, count: this.lookupPageSize }, options);
      const users = page.Resources ?? [];
      records.push(...users.map((user) => this.toRecord(user)));
      startIndex += users.length;
      if (users.length === 0 || startIndex > page.totalResults) return records;
    }
  }

  async changedSince(cursor: string | null, options: CallOptions & { pageSize?: number } = {}): Promise<ChangedPage> {
    const count = Math.min(Math.max(options.pageSize ?? 500, 1), 1000);
    const startIndex = cursor === null ? 1 : decodeCursor(cursor);
    const page = await this.listUsers({ startIndex, count }, options);
    const users = page.Resources ?? [];
    const next = startIndex + users.length;
    return {
      records: users.map((user) => this.toRecord(user)),
      nextCursor: users.length > 0 && next <= page.totalResults ? encodeCursor(next) : null,
    };
  }

  /** Users whose `meta.lastModified` is at or after `since` (RFC 7644 section 3.4.2.2 `ge`), asked sorted by it (3.4.2.3) and sorted again here: sorting is optional for a SCIM server. */
  async recordsChangedSince(since: Date, options: CallOptions & { limit?: number } = {}): Promise<SourceRecord[]> {
    const count = Math.min(Math.max(options.limit ?? 500, 1), 1000);
    const page = await this.listUsers({ filter: `meta.lastModified ge ${JSON.stringify(since.toISOString())}`, startIndex: 1, count, sortBy: 'meta.lastModified', sortOrder: 'ascending' }, options);
    return (page.Resources ?? []).map((user) => this.toRecord(user)).sort((a, b) => a.updatedAt.getTime() - b.updatedAt.getTime());
  }

  acceptsConsent(channel: string, purpose: string): boolean {
    return attributeFor(channel, purpose) !== undefined;
  }

  async writeConsent(recordId: string, change: ConsentWrite, options: CallOptions = {}): Promise<void> {
    const attribute = attributeFor(change.channel, change.purpose);
    if (!attribute) return;
    for (let attempt = 1; ; attempt++) {
      const user = await this.getUser(recordId, options);
      if (!user) throw new SourceError(this.name, 'NOT_FOUND', { status: 404 });
      try {
        await this.client.send({
          operation: 'writeConsent',
          method: 'PATCH',
          path: `/Users/${encodeURIComponent(recordId)}`,
          headers: user.meta?.version ? { 'if-match': user.meta.version } : {},
          json: {
            schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
            Operations: [{ op: 'replace', path: `${CONSENT_EXTENSION_URN}:${attribute}`, value: change.status.toLowerCase() }],
          },
          idempotent: true, // an absolute value; a repeat after a lost answer meets a 412 and re-reads
          ...callSettings(options),
        });
        return;
      } catch (error) {
        const stale = error instanceof SourceError && error.status === 412;
        if (!stale || attempt >= this.writeAttempts) throw error;
      }
    }
  }

  describe(): SystemStatus {
    return describeSource(this, this.client);
  }

  close(): Promise<void> {
    return this.client.close();
  }

  /** The user with this id, or null on a 404. */
  private async getUser(id: string, options: CallOptions): Promise<ScimUser | null> {
    if (id === '') return null;
    try {
      const { body } = await this.client.send<ScimUser>({
        operation: 'get',
        method: 'GET',
        path: `/Users/${encodeURIComponent(id)}`,
        ...callSettings(options),
      });
      return body;
    } catch (error) {
      if (error instanceof SourceError && error.kind === 'NOT_FOUND') return null;
      throw error;
    }
  }

  private async listUsers(
    query: { filter?: string; startIndex: number; count: number; sortBy?: string; sortOrder?: 'ascending' | 'descending' },
    options: CallOptions,
  ): Promise<ScimListResponse<ScimUser>> {
    const { body } = await this.client.send<ScimListResponse<ScimUser>>({
      operation: query.filter ? 'search' : 'list',
      method: 'GET',
      path: '/Users',
      query,
      ...callSettings(options),
    });
    return body;
  }

  private toRecord(user: ScimUser): SourceRecord {
    return scimUserToRecord(user, { system: this.name, crossReferenceSystem: this.crossReferenceSystem });
  }
}

function attributeFor(channel: string, purpose: string): string | undefined {
  return Object.entries(scimConsentAttributes).find(([, pair]) => pair.channel === channel && pair.purpose === purpose)?.[0];
}

function encodeCursor(startIndex: number): string {
  return Buffer.from(JSON.stringify({ startIndex })).toString('base64url');
}

function decodeCursor(cursor: string): number {
  try {
    const { startIndex } = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { startIndex?: unknown };
    if (Number.isInteger(startIndex) && (startIndex as number) >= 1) return startIndex as number;
  } catch {
    // fall through to the error below
  }
  throw new BadUserInputError('cursor is not one this SCIM system issued; pass null to start from the beginning.');
}
