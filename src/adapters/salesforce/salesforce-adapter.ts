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
import { MAX_COMPOSITE_QUERIES, SalesforceClient, type SalesforceClientOptions, type SoqlAnswer } from './salesforce-client';
import { defaultSalesforceFieldMap, type SalesforceContact, type SalesforceFieldMap } from './salesforce-contact';
import { salesforceContactToRecord } from './salesforce-contact-to-record';
import { isContactId } from './salesforce-id';
import { soqlDatetime, soqlString } from './soql';

/** Options of a {@link SalesforceAdapter}. */
export interface SalesforceAdapterOptions extends Omit<SalesforceClientOptions, 'system'> {
  /** The configured system name. */
  name: string;
  /** Where the org keeps the custom CRM facts. @default defaultSalesforceFieldMap */
  fieldMap?: SalesforceFieldMap;
}

/**
 * Ids per SOQL query by id: a query page holds at most 2,000 rows, and 2,000 quoted ids
 * make about 44,000 characters of `Id IN (...)`, well under SOQL's 100,000.
 * https://developer.salesforce.com/docs/atlas.en-us.salesforce_app_limits_cheatsheet.meta/salesforce_app_limits_cheatsheet/salesforce_app_limits_platform_soslsoql.htm
 */
const IDS_PER_QUERY = 2000;

/** Contact ids one Composite call can read: 5 queries of 2,000. */
export const SALESFORCE_IDS_PER_CALL = IDS_PER_QUERY * MAX_COMPOSITE_QUERIES;

/** Contact fields every read asks for (own fields; relationship facts are added in {@link SalesforceAdapter}). */
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
 * The Salesforce REST adapter over Contact. Every read is one SOQL statement over the
 * contact's own fields, the parent fields `Account.Name` and `Owner.Name`, and a
 * subquery counting the contact's roles on open opportunities,
 * `(SELECT Id FROM OpportunityContactRoles WHERE Opportunity.IsClosed = false)`
 * (answered null when there are none): the CRM view's account, owner and open
 * opportunities. sObject Collections retrieve cannot read them: it takes the object's
 * own fields only.
 * https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_relationships_query_using.htm
 * https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/sforce_api_objects_opportunitycontactrole.htm
 *
 * - fetchByIds: `... WHERE Id IN (...)`, 2,000 ids a query, sent in the body of a
 *   Composite call (5 queries, 10,000 ids, a call) because so many ids overflow a URL;
 *   see {@link SalesforceClient.compositeQueries}. Ids answer in request order, null for
 *   an unknown or malformed id.
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
    'crm.accountName', 'crm.ownerName', 'crm.tier', 'crm.lifetimeValue', 'crm.openOpportunities', 'crm.openCases', 'consentFlags',
  ]);
  private readonly client: SalesforceClient;
  private readonly fieldMap: SalesforceFieldMap;
  /** `SELECT <fields>, <relationship facts> FROM Contact`, the start of every read. */
  private readonly select: string;

  constructor({ name, fieldMap, ...clientOptions }: SalesforceAdapterOptions) {
    this.name = name;
    this.client = new SalesforceClient({ system: name, ...clientOptions });
    this.fieldMap = { ...defaultSalesforceFieldMap, ...fieldMap };
    const custom = Object.values(this.fieldMap).filter((field): field is string => Boolean(field));
    this.select = `SELECT ${[...standardFields, ...custom, 'Account.Name', 'Owner.Name', OPEN_OPPORTUNITY_ROLES].join(', ')} FROM Contact`;
  }

  async fetchByIds(ids: readonly string[], options: CallOptions = {}): Promise<(SourceRecord | null)[]> {
    const wanted = [...new Set(ids.filter(isContactId))];
    const queries = chunks(wanted, IDS_PER_QUERY).map((chunk) => `${this.select} WHERE Id IN (${chunk.map(soqlString).join(', ')})`);
    const found = new Map<string, SalesforceContact>();
    const remember = (contact: SalesforceContact): void => {
      found.set(contact.Id.toLowerCase(), contact); // 18-character ids are unique ignoring case
      found.set(contact.Id.slice(0, 15), contact); // 15-character ids are case-sensitive
    };
    await Promise.all(
      chunks(queries, MAX_COMPOSITE_QUERIES).map(async (batch) => {
        const answers = await this.client.compositeQueries<SalesforceContact>(batch, callSettings(options));
        await Promise.all(answers.map(async (answer) => (await this.remainingPages(answer, options)).forEach(remember)));
      }),
    );
    return ids.map((id) => {
      const contact = isContactId(id) ? found.get(id.length === 18 ? id.toLowerCase() : id) : undefined;
      return contact ? this.toRecord(contact) : null;
    });
  }

  minimumReadCalls(records: number): number {
    return Math.ceil(records / SALESFORCE_IDS_PER_CALL);
  }

  async findByKey(key: LookupKey, options: CallOptions = {}): Promise<SourceRecord[]> {
    let where: string;
    if (key.kind === 'email') {
      where = `Email = ${soqlString(key.value.trim())}`;
    } else {
      const literals = phoneVariants(key.value).map(soqlString).join(', ');
      where = `Phone IN (${literals}) OR MobilePhone IN (${literals})`;
    }
    return this.query(`${this.select} WHERE ${where}`, options);
  }

  async changedSince(cursor: string | null, options: CallOptions & { pageSize?: number } = {}): Promise<ChangedPage> {
    const pageSize = Math.min(Math.max(options.pageSize ?? 500, 1), 2000);
    const after = cursor === null ? null : decodeCursor(cursor);
    const where = after
      ? ` WHERE LastModifiedDate > ${soqlDatetime(after.at)} OR (LastModifiedDate = ${soqlDatetime(after.at)} AND Id > ${soqlString(after.id)})`
      : '';
    const records = await this.query(
      `${this.select}${where} ORDER BY LastModifiedDate ASC, Id ASC LIMIT ${pageSize}`,
      options,
    );
    const last = records.at(-1);
    return {
      records,
      nextCursor: records.length < pageSize || !last ? null : encodeCursor({ at: last.updatedAt, id: last.recordId }),
    };
  }

  /** Changes by `SystemModstamp`, which moves on every change, system ones included: https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/system_fields.htm */
  recordsChangedSince(since: Date, options: CallOptions & { limit?: number } = {}): Promise<SourceRecord[]> {
    const limit = Math.min(Math.max(options.limit ?? 500, 1), 2000);
    return this.query(`${this.select} WHERE SystemModstamp >= ${soqlDatetime(since)} ORDER BY SystemModstamp ASC, Id ASC LIMIT ${limit}`, options);
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
      ...callSettings(options),
    });
  }

  /** An opt-out box holds GRANTED (unticked) or DENIED (ticked): PENDING and UNKNOWN read back as DENIED. */
  statusHeldAfter(change: ConsentWrite): ConsentStatusValue {
    return change.status === 'GRANTED' ? 'GRANTED' : 'DENIED';
  }

  describe(): SystemStatus {
    return describeSource(this, this.client);
  }

  close(): Promise<void> {
    return this.client.close();
  }

  /** Runs a SOQL query and follows `nextRecordsUrl` until `done`. */
  private async query(soql: string, options: CallOptions): Promise<SourceRecord[]> {
    const { body } = await this.client.send<SoqlAnswer<SalesforceContact>>({
      operation: 'query',
      method: 'GET',
      path: `${this.client.dataPath}/query`,
      query: { q: soql },
      ...callSettings(options),
    });
    return (await this.remainingPages(body, options)).map((contact) => this.toRecord(contact));
  }

  /** A query's records: this page's, then every next page's (`GET nextRecordsUrl`) until `done`. */
  private async remainingPages(first: SoqlAnswer<SalesforceContact>, options: CallOptions): Promise<SalesforceContact[]> {
    const records = [...first.records];
    for (let page = first; !page.done && page.nextRecordsUrl; ) {
      ({ body: page } = await this.client.send<SoqlAnswer<SalesforceContact>>({
        operation: 'query',
        method: 'GET',
        path: page.nextRecordsUrl,
        ...callSettings(options),
      }));
      records.push(...page.records);
    }
    return records;
  }

  private toRecord(contact: SalesforceContact): SourceRecord {
    return salesforceContactToRecord(contact, { system: this.name, fieldMap: this.fieldMap });
  }
}

/** The subquery that counts a contact's roles on open opportunities (`crm.openOpportunities`). */
const OPEN_OPPORTUNITY_ROLES = '(SELECT Id FROM OpportunityContactRoles WHERE Opportunity.IsClosed = false)';

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let start = 0; start < items.length; start += size) out.push(items.slice(start, start + size));
  return out;
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
