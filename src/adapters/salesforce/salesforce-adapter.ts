import { BadUserInputError } from '../../errors/gateway-error';
import type { SystemStatus } from '../../systems/system-status';
import { phoneVariants } from '../phone-variants';
import { describeSource } from '../describe-source';
import type {
  CallOptions,
  ChangedPage,
  ConsentWrite,
  LookupKey,
  SourceAdapter,
  SourceRecord,
} from '../source-adapter';
import { SalesforceClient, type SalesforceClientOptions } from './salesforce-client';
import { defaultSalesforceFieldMap, type SalesforceContact, type SalesforceFieldMap } from './salesforce-contact';
import { salesforceContactToRecord } from './salesforce-contact-to-record';
import { soqlDatetime, soqlString } from './soql';

/** Options of a {@link SalesforceAdapter}. */
export interface SalesforceAdapterOptions extends Omit<SalesforceClientOptions, 'system'> {
  /** The configured system name. */
  name: string;
  /** Where the org keeps the custom CRM facts. @default defaultSalesforceFieldMap */
  fieldMap?: SalesforceFieldMap;
}

/** sObject Collections retrieve takes at most 2,000 ids per call. */
const MAX_IDS_PER_RETRIEVE = 2000;

/** Contact fields every call reads. */
const standardFields = [
  'Id', 'FirstName', 'LastName', 'Email', 'Phone', 'MobilePhone', 'MailingStreet', 'MailingCity',
  'MailingPostalCode', 'MailingCountry', 'Birthdate', 'LastModifiedDate', 'HasOptedOutOfEmail', 'DoNotCall',
  'HasOptedOutOfFax', 'AccountId', 'OwnerId',
];

/** Which consent field a write goes to (Salesforce only holds marketing opt-outs). */
const consentFieldFor: Readonly<Record<string, string>> = {
  'EMAIL/MARKETING': 'HasOptedOutOfEmail',
  'PHONE/MARKETING': 'DoNotCall',
  'FAX/MARKETING': 'HasOptedOutOfFax',
};

/**
 * The Salesforce REST adapter over Contact.
 *
 * - fetchByIds: sObject Collections retrieve, `POST .../composite/sobjects/Contact`
 *   `{ids, fields}`, 2,000 ids per call (the GET form overflows the URL near 800);
 *   the answer has one entry per id in request order, null for an unknown id.
 *   https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_sobjects_collections_retrieve.htm
 * - findByKey and changedSince: SOQL `GET .../query?q=`, following `nextRecordsUrl`.
 *   A phone is looked for in each format the CRM may hold it in (it keeps national format).
 *   The backfill cursor is (LastModifiedDate, Id), both ordered ascending: ties in time
 *   are broken by id, so no record is skipped or repeated between pages.
 *   https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_query.htm
 * - writeConsent: `PATCH .../sobjects/Contact/{id}` of an absolute boolean (idempotent).
 */
export class SalesforceAdapter implements SourceAdapter {
  readonly name: string;
  readonly dialect = 'salesforce';
  readonly providedFields: readonly string[] = Object.freeze([
    'givenName', 'familyName', 'emails', 'phones', 'addresses', 'birthDate',
    'crm.accountName', 'crm.ownerName', 'crm.tier', 'crm.lifetimeValue', 'crm.openCases', 'consentFlags',
  ]);
  private readonly client: SalesforceClient;
  private readonly fieldMap: SalesforceFieldMap;
  private readonly retrieveFields: string[];
  private readonly queryFields: string[];

  constructor({ name, fieldMap, ...clientOptions }: SalesforceAdapterOptions) {
    this.name = name;
    this.client = new SalesforceClient({ system: name, ...clientOptions });
    this.fieldMap = { ...defaultSalesforceFieldMap, ...fieldMap };
    const custom = Object.values(this.fieldMap).filter((field): field is string => Boolean(field));
    this.retrieveFields = [...standardFields, ...custom];
    // Relationship fields exist in SOQL only; sObject Collections retrieve takes the object's own fields.
    this.queryFields = [...this.retrieveFields, 'Account.Name', 'Owner.Name'];
  }

  async fetchByIds(ids: readonly string[], options: CallOptions = {}): Promise<(SourceRecord | null)[]> {
    const chunks: string[][] = [];
    for (let start = 0; start < ids.length; start += MAX_IDS_PER_RETRIEVE) {
      chunks.push(ids.slice(start, start + MAX_IDS_PER_RETRIEVE));
    }
    const answers = await Promise.all(
      chunks.map((chunk) =>
        this.client.send<(SalesforceContact | null)[]>({
          operation: 'retrieve',
          method: 'POST',
          path: `${this.client.dataPath}/composite/sobjects/Contact`,
          json: { ids: chunk, fields: this.retrieveFields },
          idempotent: true, // a read by POST
          signal: options.signal,
        }),
      ),
    );
    return chunks.flatMap((chunk, index) =>
      chunk.map((_id, slot) => {
        const contact = answers[index]!.body?.[slot];
        return contact ? this.toRecord(contact) : null;
      }),
    );
  }

  async findByKey(key: LookupKey, options: CallOptions = {}): Promise<SourceRecord[]> {
    let where: string;
    if (key.kind === 'email') {
      where = `Email = ${soqlString(key.value.trim())}`;
    } else {
      const literals = phoneVariants(key.value).map(soqlString).join(', ');
      where = `Phone IN (${literals}) OR MobilePhone IN (${literals})`;
    }
    return this.query(`SELECT ${this.queryFields.join(', ')} FROM Contact WHERE ${where}`, options);
  }

  async changedSince(cursor: string | null, options: CallOptions & { pageSize?: number } = {}): Promise<ChangedPage> {
    const pageSize = Math.min(Math.max(options.pageSize ?? 500, 1), 2000);
    const after = cursor === null ? null : decodeCursor(cursor);
    const where = after
      ? ` WHERE LastModifiedDate > ${soqlDatetime(after.at)} OR (LastModifiedDate = ${soqlDatetime(after.at)} AND Id > ${soqlString(after.id)})`
      : '';
    const records = await this.query(
      `SELECT ${this.queryFields.join(', ')} FROM Contact${where} ORDER BY LastModifiedDate ASC, Id ASC LIMIT ${pageSize}`,
      options,
    );
    const last = records.at(-1);
    return {
      records,
      nextCursor: records.length < pageSize || !last ? null : encodeCursor({ at: last.updatedAt, id: last.recordId }),
    };
  }

  /** Whether this source holds the flag (Salesforce: EMAIL, PHONE and FAX marketing opt-outs only). */
  acceptsConsent(channel: string, purpose: string): boolean {
    return `${channel}/${purpose}` in consentFieldFor;
  }

  /**
   * Sets the opt-out field. Only GRANTED clears it: PENDING, DENIED and UNKNOWN all mean
   * "do not contact yet", and Salesforce has no way to say more. A pair Salesforce does
   * not hold (see {@link acceptsConsent}) is not written.
   */
  async writeConsent(recordId: string, change: ConsentWrite, options: CallOptions = {}): Promise<void> {
    const field = consentFieldFor[`${change.channel}/${change.purpose}`];
    if (!field) return;
    await this.client.send({
      operation: 'writeConsent',
      method: 'PATCH',
      path: `${this.client.dataPath}/sobjects/Contact/${encodeURIComponent(recordId)}`,
      json: { [field]: change.status !== 'GRANTED' },
      idempotent: true, // an absolute value: repeating it changes nothing
      signal: options.signal,
    });
  }

  describe(): SystemStatus {
    return describeSource(this, this.client);
  }

  close(): Promise<void> {
    return this.client.close();
  }

  /** Runs a SOQL query and follows `nextRecordsUrl` until `done`. */
  private async query(soql: string, options: CallOptions): Promise<SourceRecord[]> {
    const records: SourceRecord[] = [];
    let next: HttpPage = { path: `${this.client.dataPath}/query`, query: { q: soql } };
    for (;;) {
      const { body } = await this.client.send<QueryAnswer>({
        operation: 'query',
        method: 'GET',
        path: next.path,
        query: next.query,
        signal: options.signal,
      });
      records.push(...body.records.map((contact) => this.toRecord(contact)));
      if (body.done || !body.nextRecordsUrl) return records;
      next = { path: body.nextRecordsUrl };
    }
  }

  private toRecord(contact: SalesforceContact): SourceRecord {
    return salesforceContactToRecord(contact, { system: this.name, fieldMap: this.fieldMap });
  }
}

interface HttpPage {
  path: string;
  query?: Record<string, string>;
}

interface QueryAnswer {
  totalSize: number;
  done: boolean;
  nextRecordsUrl?: string;
  records: SalesforceContact[];
}

interface Cursor {
  at: Date;
  id: string;
}

function encodeCursor({ at, id }: Cursor): string {
  return Buffer.from(JSON.stringify({ t: at.toISOString(), id })).toString('base64url');
}

function decodeCursor(cursor: string): Cursor {
  try {
    const { t, id } = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { t: unknown; id: unknown };
    const at = new Date(String(t));
    if (typeof id === 'string' && !Number.isNaN(at.getTime())) return { at, id };
  } catch {
    // fall through to the error below
  }
  throw new BadUserInputError('cursor is not one this Salesforce system issued; pass null to start from the beginning.');
}
