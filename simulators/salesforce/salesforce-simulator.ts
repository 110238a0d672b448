import { createHmac, randomBytes } from 'node:crypto';
import type { FaultConfig } from '../simulator';
import type { SalesforceContact, SalesforceOpportunity, SalesforceOpportunityContactRole } from '../population/vendor-records';
import {
  startSimulatorServer,
  type RouteMatch,
  type SimulatorRequest,
  type SimulatorResponse,
  type SimulatorServer,
} from '../http/simulator-server';
import { createModificationClock } from '../http/modification-clock';
import { createStandardWebhooks } from '../http/standard-webhooks';
import type { WebhookDeliveryOptions } from '../http/webhook-sender';
import {
  compareContacts,
  CONTACT_RECORD_FIELDS,
  contactFieldType,
  isWritableContactField,
  matchesCondition,
  projectContact,
  readContactField,
  resolveCondition,
  resolveContactField,
  UnknownFieldError,
} from './contact-fields';
import {
  matchesRoleCondition,
  OPPORTUNITY_CONTACT_ROLES,
  projectRole,
  resolveRoleCondition,
  resolveRoleField,
  type RoleRow,
} from './opportunity-contact-role-fields';
import { SoqlFilterError } from './soql-condition';
import { salesforceDateTime } from './salesforce-datetime';
import { salesforceIdFor, toCaseSafeId } from './salesforce-id';
import { parseSoql, SoqlSyntaxError, type SoqlCondition } from './soql-parser';

/**
 * A contract simulator of the Salesforce REST API subset the adapter uses, over real HTTP:
 *
 * - OAuth 2.0 client credentials, `POST /services/oauth2/token` (form body); no refresh
 *   token, no expiry: https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_client_credentials_flow.htm
 *   OAuth errors `{error, error_description}`: https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_flow_errors.htm
 * - sObject Collections retrieve, POST with `{ids, fields}` (max 2,000) and the GET form:
 *   https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_sobjects_collections_retrieve_post.htm
 *   https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_sobjects_collections_retrieve.htm
 * - SOQL query with `nextRecordsUrl` paging (`Sforce-Query-Options: batchSize=N`), on Contact,
 *   with `Account.Name` / `Owner.Name` and an `OpportunityContactRoles` subquery:
 *   https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/dome_query.htm
 *   https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/headers_queryoptions.htm
 * - Composite, `POST .../composite` with up to 25 subrequests of which at most 5 are
 *   queries; the simulator serves query and query-more subrequests (the adapter's way to
 *   send a SOQL statement too long for a URL in the body), `{compositeResponse: [{body,
 *   httpHeaders, httpStatusCode, referenceId}]}`, counted as one API call:
 *   https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_composite_post.htm
 * - Update a record, `PATCH .../sobjects/Contact/{id}` (204, no body), which stamps
 *   `LastModifiedDate` and `SystemModstamp` (one value here, strictly increasing, so that
 *   `WHERE SystemModstamp > t` finds every later change):
 *   https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/dome_update_fields.htm
 *   https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/system_fields.htm
 * - Get a record, `GET .../sobjects/Contact/{id}` (every field, or `?fields=`):
 *   https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/dome_get_field_values.htm
 * - Error bodies `[{message, errorCode, fields}]` and status codes:
 *   https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/errorcodes.htm
 * - `Sforce-Limit-Info: api-usage=N/M` on every API answer, and `GET .../limits` (DailyApiRequests only):
 *   https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/headers_api_usage.htm
 *   https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_limits.htm
 *
 * Admin (not part of the vendor API): `POST /__admin/faults`, `POST /__admin/revoke-tokens`,
 * `GET /__admin/requests`, `POST /__admin/reset-counters`, `GET /__admin/writes` (the
 * PATCHes received), `GET /__admin/webhook-deliveries`, and:
 * - `POST /__admin/record-change` `{id, fields: {HasOptedOutOfEmail: true, ...}}`: a change
 *   made by a person in Salesforce's own UI (validated as the PATCH is; not a write-back,
 *   so not in `/__admin/writes`); 200 with the record as the GET answers it.
 * - Webhooks: Salesforce notifies through Change Data Capture or Outbound Messages (SOAP),
 *   which the simulator does not speak; instead it sends a signed Standard Webhook
 *   `contact.updated` on every change (API or admin) to the receivers registered with
 *   `POST /__admin/webhooks` (see simulators/http/standard-webhooks.ts).
 */

/** Options of the Salesforce simulator. */
export interface SalesforceSimulatorOptions {
  /** Port on 127.0.0.1; 0 picks a free one. @default 0 */
  port?: number;
  /** The org's contacts (copied; PATCHes change the copies). */
  contacts: readonly SalesforceContact[];
  /** The org's opportunities. @default none */
  opportunities?: readonly SalesforceOpportunity[];
  /** The contacts' roles on them (`OpportunityContactRoles` subqueries). @default none */
  opportunityContactRoles?: readonly SalesforceOpportunityContactRole[];
  /** The connected app's consumer key. @default DEFAULT_SALESFORCE_CLIENT_ID */
  clientId?: string;
  /** The connected app's consumer secret. @default DEFAULT_SALESFORCE_CLIENT_SECRET */
  clientSecret?: string;
  /** Faults from the start. @default {} */
  faults?: FaultConfig;
  /** Records per query page when the client does not ask for a batch size. @default 2000 */
  queryPageSize?: number;
  /** The daily API request allowance reported in `Sforce-Limit-Info`. @default 15000 */
  apiDailyLimit?: number;
  /** The system's name in the descriptor (`SYSTEMS`' `name`). @default 'salesforce' */
  system?: string;
  /** Retry schedule and timeout of outgoing webhooks. @default see WebhookDeliveryOptions */
  webhooks?: WebhookDeliveryOptions;
}

/** A running Salesforce simulator, with test access to its state. */
export interface SalesforceSimulator extends SimulatorServer {
  /** The contact as the simulator now holds it (15- or 18-character id). */
  getContact(id: string): SalesforceContact | undefined;
  /** API calls counted towards `Sforce-Limit-Info` so far. */
  readonly apiUsage: number;
  /** Invalidates every issued token (as `POST /__admin/revoke-tokens` does). */
  revokeTokens(): void;
}

export const DEFAULT_SALESFORCE_CLIENT_ID = '3MVG9simulatorConnectedAppConsumerKey';
export const DEFAULT_SALESFORCE_CLIENT_SECRET = 'simulator-consumer-secret-8F2C61';

const ORG_ID = salesforceIdFor('00D', 1, '5e0');
const INTEGRATION_USER_ID = salesforceIdFor('005', 99, '5e0');
const MAX_RETRIEVE_IDS = 2000;
const MAX_COMPOSITE_SUBREQUESTS = 25;
const MAX_COMPOSITE_QUERIES = 5;
const VERSIONED = /^\/services\/data\/v(\d{2,3}\.\d)\/(.+)$/;
/** The API version of the records webhooks carry (the version the gateway's adapter asks for). */
const WEBHOOK_API_VERSION = '65.0';

/** Starts the Salesforce simulator on loopback. */
export async function startSalesforceSimulator(options: SalesforceSimulatorOptions): Promise<SalesforceSimulator> {
  const {
    contacts: initialContacts,
    clientId = DEFAULT_SALESFORCE_CLIENT_ID,
    clientSecret = DEFAULT_SALESFORCE_CLIENT_SECRET,
    queryPageSize = 2000,
    apiDailyLimit = 15_000,
    system = 'salesforce',
  } = options;
  const contacts = new Map<string, SalesforceContact>();
  const order: string[] = [];
  for (const contact of initialContacts) {
    contacts.set(contact.Id, { ...contact });
    order.push(contact.Id);
  }
  const opportunities = new Map((options.opportunities ?? []).map((opportunity) => [opportunity.Id, opportunity]));
  const rolesByContact = new Map<string, RoleRow[]>();
  for (const role of options.opportunityContactRoles ?? []) {
    rolesByContact.set(role.ContactId, [...(rolesByContact.get(role.ContactId) ?? []), { role, opportunity: opportunities.get(role.OpportunityId) }]);
  }
  const tokens = new Set<string>();
  const cursors = new Map<string, QueryCursor>();
  let cursorSerial = 0;
  let apiUsage = 0;
  let baseUrl = '';
  const now = createModificationClock();
  const standardWebhooks = createStandardWebhooks(`${system}-simulator-webhooks`);

  const token = (request: SimulatorRequest): SimulatorResponse => {
    const form = new URLSearchParams(request.body);
    // Client credentials may come in the body or as HTTP Basic (RFC 6749 section 2.3.1).
    let id = form.get('client_id');
    let secret = form.get('client_secret');
    const basic = /^Basic (.+)$/i.exec(request.headers.authorization ?? '');
    if (basic) {
      const [user, pass] = Buffer.from(basic[1] as string, 'base64').toString('utf8').split(':');
      id = decodeURIComponent(user ?? '');
      secret = decodeURIComponent(pass ?? '');
    }
    if (form.get('grant_type') !== 'client_credentials') {
      return oauthError('unsupported_grant_type', 'grant type not supported');
    }
    if (id !== clientId) return oauthError('invalid_client_id', 'client identifier invalid');
    if (secret !== clientSecret) return oauthError('invalid_client', 'invalid client credentials');
    const accessToken = `${ORG_ID}!${randomBytes(48).toString('base64url')}`;
    tokens.add(accessToken);
    const issuedAt = String(Date.now());
    const identityUrl = `${baseUrl}/id/${ORG_ID}/${INTEGRATION_USER_ID}`;
    const signature = createHmac('sha256', clientSecret).update(identityUrl + issuedAt).digest('base64');
    return {
      status: 200,
      body: {
        access_token: accessToken,
        instance_url: baseUrl,
        id: identityUrl,
        token_type: 'Bearer',
        issued_at: issuedAt,
        signature,
      },
    };
  };

  /** Wraps an API handler with the bearer check and the usage counter. */
  const api =
    (handler: (request: SimulatorRequest, version: string, rest: string) => SimulatorResponse) =>
    (request: SimulatorRequest): SimulatorResponse => {
      const bearer = /^Bearer (.+)$/i.exec(request.headers.authorization ?? '');
      if (!bearer || !tokens.has(bearer[1] as string)) {
        return apiError(401, 'INVALID_SESSION_ID', 'Session expired or invalid');
      }
      apiUsage += 1;
      const [, version, rest] = VERSIONED.exec(request.url.pathname) as RegExpExecArray;
      try {
        return handler(request, version as string, rest as string);
      } catch (error) {
        return apiErrorFor(error);
      }
    };

  const retrieve = (ids: unknown, fields: unknown, version: string): SimulatorResponse => {
    if (!isStringArray(ids) || ids.length === 0 || !isStringArray(fields) || fields.length === 0) {
      return apiError(400, 'MISSING_ARGUMENT', 'ids and fields are required: a list of record ids and a list of field names');
    }
    if (ids.length > MAX_RETRIEVE_IDS) {
      return apiError(400, 'EXCEEDED_ID_LIMIT', `record limit reached. cannot submit more than ${MAX_RETRIEVE_IDS} records in a single call`);
    }
    const resolved = resolveFields(fields);
    if (!resolved.includes('Id')) resolved.unshift('Id');
    const records = ids.map((raw) => {
      // An id that is malformed, of another object or unknown is a null slot, never an error.
      const id = toCaseSafeId(raw.trim());
      const contact = id ? contacts.get(id) : undefined;
      return contact ? projectContact(contact, resolved, version) : null;
    });
    return { status: 200, body: records };
  };

  const runQuery = (request: SimulatorRequest, version: string): SimulatorResponse => {
    const q = request.url.searchParams.get('q');
    if (!q) return apiError(400, 'MALFORMED_QUERY', "A query string has to be specified in the 'q' parameter");
    return runSoql(q, version, pageSizeOf(request));
  };

  const runSoql = (q: string, version: string, pageSize: number): SimulatorResponse => {
    const query = parseSoql(q);
    if (query.object.toLowerCase() !== 'contact') {
      return apiError(400, 'INVALID_TYPE', `sObject type '${query.object}' is not supported.`);
    }
    const fields = resolveFields(query.fields);
    const subqueries = query.subqueries.map((subquery): ResolvedSubquery => {
      if (subquery.relationship.toLowerCase() !== OPPORTUNITY_CONTACT_ROLES.toLowerCase()) {
        throw new SoqlRelationshipError(subquery.relationship);
      }
      return {
        fields: [...new Set(subquery.fields.map(resolveRoleField))],
        where: subquery.where ? resolveRoleCondition(subquery.where, toCaseSafeId) : null,
        limit: subquery.limit,
      };
    });
    const where = query.where ? resolveCondition(query.where, toCaseSafeId) : null;
    const orderBy = query.orderBy.map((term) => {
      const field = resolveContactField(term.field);
      if (!field) throw new UnknownFieldError(term.field);
      return { ...term, field };
    });
    let matched: SalesforceContact[] = [];
    for (const id of order) {
      const contact = contacts.get(id) as SalesforceContact;
      if (!where || matchesCondition(contact, where)) matched.push(contact);
    }
    if (orderBy.length > 0) matched.sort((a, b) => compareContacts(a, b, orderBy));
    if (query.offset) matched = matched.slice(query.offset);
    if (query.limit !== null) matched = matched.slice(0, query.limit);
    return queryPage({ ids: matched.map((c) => c.Id), fields, subqueries, version }, 0, pageSize);
  };

  const queryMore = (request: SimulatorRequest, version: string, locator: string): SimulatorResponse =>
    queryMoreAt(locator, version, pageSizeOf(request));

  const queryMoreAt = (locator: string, version: string, pageSize: number): SimulatorResponse => {
    const match = /^(01g[A-Za-z0-9]+)-(\d+)$/.exec(locator);
    const cursor = match ? cursors.get(match[1] as string) : undefined;
    if (!match || !cursor) return apiError(400, 'INVALID_QUERY_LOCATOR', 'invalid query locator');
    return queryPage({ ...cursor, version }, Number(match[2]), pageSize, match[1]);
  };

  /** A contact's subquery answer: null when no row matches (as Salesforce answers), else a nested query result. */
  const subqueryResult = (contact: SalesforceContact, subquery: ResolvedSubquery, version: string): Record<string, unknown> | null => {
    let rows = (rolesByContact.get(contact.Id) ?? []).filter((row) => !subquery.where || matchesRoleCondition(row, subquery.where));
    if (subquery.limit !== null) rows = rows.slice(0, subquery.limit);
    if (rows.length === 0) return null;
    return { totalSize: rows.length, done: true, records: rows.map((row) => projectRole(row, subquery.fields, version)) };
  };

  const queryPage = (
    cursor: QueryCursor,
    start: number,
    pageSize: number,
    existingLocator?: string,
  ): SimulatorResponse => {
    const slice = cursor.ids.slice(start, start + pageSize);
    const records = slice.flatMap((id) => {
      const contact = contacts.get(id);
      if (!contact) return [];
      const record = projectContact(contact, cursor.fields, cursor.version);
      if (cursor.subqueries.length > 0) record[OPPORTUNITY_CONTACT_ROLES] = subqueryResult(contact, cursor.subqueries[0]!, cursor.version);
      return [record];
    });
    const next = start + slice.length;
    const done = next >= cursor.ids.length;
    const body: Record<string, unknown> = { totalSize: cursor.ids.length, done };
    if (!done) {
      let locator = existingLocator;
      if (!locator) {
        cursorSerial += 1;
        locator = `01g5e${String(cursorSerial).padStart(10, '0')}`;
        cursors.set(locator, cursor);
        // Salesforce keeps a handful of open cursors per user; keep the newest 50.
        if (cursors.size > 50) cursors.delete(cursors.keys().next().value as string);
      }
      body.nextRecordsUrl = `/services/data/v${cursor.version}/query/${locator}-${next}`;
    } else if (existingLocator) {
      cursors.delete(existingLocator);
    }
    body.records = records;
    return { status: 200, body };
  };

  /**
   * Composite: each subrequest answered in order, as if sent alone (errors included);
   * query and query-more only, at most 5 of them.
   */
  const composite = (request: SimulatorRequest, version: string): SimulatorResponse => {
    let parsed: { compositeRequest?: unknown };
    try {
      parsed = JSON.parse(request.body || '{}') as typeof parsed;
    } catch {
      return apiError(400, 'JSON_PARSER_ERROR', 'The request body is not valid JSON');
    }
    const subrequests = parsed?.compositeRequest;
    if (!Array.isArray(subrequests) || subrequests.length === 0) {
      return apiError(400, 'INVALID_INPUT', 'compositeRequest must be a non-empty list of subrequests');
    }
    if (subrequests.length > MAX_COMPOSITE_SUBREQUESTS) {
      return apiError(400, 'LIMIT_EXCEEDED', `A composite request can have at most ${MAX_COMPOSITE_SUBREQUESTS} subrequests`);
    }
    const targets = subrequests.map((subrequest: { method?: unknown; url?: unknown; referenceId?: unknown }) => {
      const url = typeof subrequest?.url === 'string' ? new URL(subrequest.url, 'http://composite') : null;
      const versioned = url ? VERSIONED.exec(url.pathname) : null;
      const rest = versioned?.[2] ?? '';
      const kind = /^query\/?$/.test(rest) ? 'query' : /^query\/[^/]+$/.test(rest) ? 'more' : null;
      return { subrequest, url, version: versioned?.[1] ?? version, rest, kind };
    });
    if (targets.filter((target) => target.kind !== null).length > MAX_COMPOSITE_QUERIES) {
      return apiError(400, 'LIMIT_EXCEEDED', `A composite request can have at most ${MAX_COMPOSITE_QUERIES} query operations`);
    }
    const compositeResponse = targets.map(({ subrequest, url, version: subVersion, rest, kind }) => {
      const referenceId = typeof subrequest?.referenceId === 'string' ? subrequest.referenceId : '';
      let answer: SimulatorResponse;
      if (!/^[A-Za-z0-9_]+$/.test(referenceId)) answer = apiError(400, 'INVALID_INPUT', 'referenceId must be letters, digits and _');
      else if (subrequest?.method !== 'GET' || !url || !kind) {
        answer = apiError(400, 'NOT_SUPPORTED', 'This simulator serves query and query-more subrequests only');
      } else {
        try {
          answer =
            kind === 'query'
              ? url.searchParams.get('q')
                ? runSoql(url.searchParams.get('q')!, subVersion, queryPageSize)
                : apiError(400, 'MALFORMED_QUERY', "A query string has to be specified in the 'q' parameter")
              : queryMoreAt(rest.slice('query/'.length), subVersion, queryPageSize);
        } catch (error) {
          answer = apiErrorFor(error);
        }
      }
      return { body: answer.body ?? null, httpHeaders: {}, httpStatusCode: answer.status, referenceId };
    });
    return { status: 200, body: { compositeResponse } };
  };

  const pageSizeOf = (request: SimulatorRequest): number => {
    // batchSize is a hint between 200 and 2,000; the server may use another size.
    const header = /batchSize\s*=\s*(\d+)/i.exec(String(request.headers['sforce-query-options'] ?? ''));
    if (!header) return queryPageSize;
    return Math.min(2000, Math.max(200, Number(header[1])));
  };

  const getOne = (request: SimulatorRequest, version: string, rawId: string): SimulatorResponse => {
    const id = toCaseSafeId(rawId);
    const contact = id ? contacts.get(id) : undefined;
    if (!contact) return notFoundError();
    const param = request.url.searchParams.get('fields');
    const fields = param ? resolveFields(param.split(',')) : [...CONTACT_RECORD_FIELDS];
    return { status: 200, body: projectContact(contact, fields, version) };
  };

  const update = (request: SimulatorRequest, rawId: string): SimulatorResponse => {
    const id = toCaseSafeId(rawId);
    const contact = id ? contacts.get(id) : undefined;
    if (!contact) return notFoundError();
    let body: unknown;
    try {
      body = JSON.parse(request.body || 'null');
    } catch {
      return apiError(400, 'JSON_PARSER_ERROR', 'The request body is not valid JSON');
    }
    const changes = validateChanges(body);
    if (!Array.isArray(changes)) return changes;
    return { ...applyChanges(contact, changes), status: 204, write: { recordId: contact.Id, body } };
  };

  /** `POST /__admin/record-change`: a person's edit in Salesforce's UI, validated as a PATCH. */
  const recordChange = (request: SimulatorRequest): SimulatorResponse => {
    let input: { id?: unknown; fields?: unknown };
    try {
      input = JSON.parse(request.body || '{}') as typeof input;
    } catch {
      return apiError(400, 'JSON_PARSER_ERROR', 'The request body is not valid JSON');
    }
    const id = typeof input?.id === 'string' ? toCaseSafeId(input.id) : null;
    const contact = id ? contacts.get(id) : undefined;
    if (!contact) return notFoundError();
    const changes = validateChanges(input.fields);
    if (!Array.isArray(changes)) return changes;
    return { ...applyChanges(contact, changes), status: 200, body: contactRecord(contact) };
  };

  /** The contact as `GET .../sobjects/Contact/{id}` answers it. */
  const contactRecord = (contact: SalesforceContact): Record<string, unknown> =>
    projectContact(contact, CONTACT_RECORD_FIELDS, WEBHOOK_API_VERSION);

  /**
   * Sets the fields, stamps the record and makes its webhooks. Every save stamps the record
   * and notifies (as a Salesforce save fires its triggers), even one that changes no value;
   * `changedFields` names those whose value did change.
   */
  const applyChanges = (contact: SalesforceContact, changes: readonly [string, unknown][]): Pick<SimulatorResponse, 'webhooks'> => {
    const record = contact as unknown as Record<string, unknown>;
    const changedFields: string[] = [];
    for (const [field, value] of changes) {
      if (readContactField(contact, field) !== value && !changedFields.includes(field)) changedFields.push(field);
      record[field] = value;
    }
    contact.LastModifiedDate = salesforceDateTime(now());
    return {
      webhooks: standardWebhooks.messagesFor({ type: 'contact.updated', id: contact.Id, changedFields, record: contactRecord(contact) }),
    };
  };

  /** The field changes of a PATCH body, checked as Salesforce checks them, or its error answer. */
  const validateChanges = (body: unknown): [string, unknown][] | SimulatorResponse => {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      return apiError(400, 'JSON_PARSER_ERROR', 'The request body must be a JSON object of field values');
    }
    const changes: [string, unknown][] = [];
    for (const [name, value] of Object.entries(body)) {
      if (name === 'attributes') continue;
      const field = resolveContactField(name);
      if (!field) return apiError(400, 'INVALID_FIELD', `No such column '${name}' on sobject of type Contact`, [name]);
      if (!isWritableContactField(field)) {
        return apiError(400, 'INVALID_FIELD_FOR_INSERT_UPDATE', `Unable to create/update fields: ${field}. Please check the security settings of this field and verify that it is read/write for your profile or permission set.`, [field]);
      }
      const type = contactFieldType(field);
      const ok =
        value === null
          ? type !== 'boolean'
          : type === 'boolean'
            ? typeof value === 'boolean'
            : type === 'number'
              ? typeof value === 'number'
              : typeof value === 'string';
      if (!ok) return apiError(400, 'JSON_PARSER_ERROR', `Cannot deserialize instance of ${type} for field ${field}`, [field]);
      changes.push([field, value]);
    }
    return changes;
  };

  const route = (request: SimulatorRequest): RouteMatch | null => {
    const { method } = request;
    const path = request.url.pathname;
    if (path === '/services/oauth2/token') return method === 'POST' ? { label: 'token', handle: token } : null;
    const versioned = VERSIONED.exec(path);
    if (!versioned) return null;
    const rest = versioned[2] as string;
    if (/^composite\/sobjects\/Contact\/?$/.test(rest)) {
      if (method === 'POST') {
        return {
          label: 'composite.retrieve',
          handle: api((req, version) => {
            let parsed: { ids?: unknown; fields?: unknown };
            try {
              parsed = JSON.parse(req.body || '{}') as typeof parsed;
            } catch {
              return apiError(400, 'JSON_PARSER_ERROR', 'The request body is not valid JSON');
            }
            return retrieve(parsed?.ids, parsed?.fields, version);
          }),
        };
      }
      if (method === 'GET') {
        return {
          label: 'composite.retrieve',
          handle: api((req, version) => {
            const split = (name: string): string[] | undefined =>
              req.url.searchParams.get(name)?.split(',').filter((part) => part !== '');
            return retrieve(split('ids'), split('fields'), version);
          }),
        };
      }
      return null;
    }
    if (/^composite\/?$/.test(rest) && method === 'POST') {
      return { label: 'composite', handle: api((req, version) => composite(req, version)) };
    }
    if (/^limits\/?$/.test(rest) && method === 'GET') {
      return {
        label: 'limits',
        handle: api(() => ({
          status: 200,
          body: { DailyApiRequests: { Max: apiDailyLimit, Remaining: Math.max(0, apiDailyLimit - apiUsage) } },
        })),
      };
    }
    if (/^query\/?$/.test(rest) && method === 'GET') return { label: 'query', handle: api((req, version) => runQuery(req, version)) };
    const more = /^query\/([^/]+)$/.exec(rest);
    if (more && method === 'GET') {
      return { label: 'query.more', handle: api((req, version) => queryMore(req, version, more[1] as string)) };
    }
    const one = /^sobjects\/Contact\/([^/]+)$/.exec(rest);
    if (one && method === 'PATCH') return { label: 'sobject.update', handle: api((req) => update(req, one[1] as string)) };
    if (one && method === 'GET') {
      return { label: 'sobject.get', handle: api((req, version) => getOne(req, version, one[1] as string)) };
    }
    return null;
  };

  const server = await startSimulatorServer({
    port: options.port,
    faults: options.faults,
    describe: (port) => {
      baseUrl = `http://127.0.0.1:${port}`;
      return { name: system, dialect: 'salesforce', baseUrl, credentials: { clientId, clientSecret } };
    },
    route,
    notFound: () => notFoundError(),
    faultResponse: (status, kind) =>
      kind === 'rate-limit'
        ? apiError(status, 'REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.')
        : apiError(status, status === 503 ? 'SERVER_UNAVAILABLE' : 'UNKNOWN_EXCEPTION', 'An unexpected error occurred. Please try again later.'),
    decorate: (request, response, label) => {
      if (label !== 'token' && request.url.pathname.startsWith('/services/data/')) {
        response.headers = { ...response.headers, 'Sforce-Limit-Info': `api-usage=${apiUsage}/${apiDailyLimit}` };
      }
    },
    admin: {
      'POST /__admin/revoke-tokens': () => {
        tokens.clear();
        return { status: 204 };
      },
      'POST /__admin/record-change': recordChange,
      ...standardWebhooks.admin,
    },
    webhookDelivery: options.webhooks,
  });

  // defineProperties, not Object.assign: assign would copy the getter's value once.
  return Object.defineProperties(server, {
    getContact: {
      value: (id: string) => {
        const safe = toCaseSafeId(id);
        return safe ? contacts.get(safe) : undefined;
      },
    },
    apiUsage: { get: () => apiUsage, enumerable: true },
    revokeTokens: { value: () => tokens.clear() },
  }) as SalesforceSimulator;
}

/** A query's cursor: the matched ids, the fields and subqueries to project, the API version. */
interface QueryCursor {
  ids: string[];
  fields: string[];
  subqueries: ResolvedSubquery[];
  version: string;
}

/** A subquery with its fields and condition checked. */
interface ResolvedSubquery {
  fields: string[];
  where: SoqlCondition | null;
  limit: number | null;
}

/** A subquery on a relationship Contact does not have (INVALID_TYPE, as Salesforce answers). */
class SoqlRelationshipError extends Error {
  override readonly name = 'SoqlRelationshipError';
  constructor(relationship: string) {
    super(
      `Didn't understand relationship '${relationship}' in FROM part of query call. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name.`,
    );
  }
}

/** The error body Salesforce answers for a query or field the simulator refuses; anything else is a bug and is thrown. */
function apiErrorFor(error: unknown): SimulatorResponse {
  if (error instanceof UnknownFieldError) return apiError(400, 'INVALID_FIELD', error.message, [error.field]);
  if (error instanceof SoqlSyntaxError) return apiError(400, 'MALFORMED_QUERY', error.message);
  if (error instanceof SoqlFilterError) return apiError(400, 'INVALID_QUERY_FILTER_OPERATOR', error.message);
  if (error instanceof SoqlRelationshipError) return apiError(400, 'INVALID_TYPE', error.message);
  throw error;
}

/** Resolves requested field names to canonical ones, refusing the whole call on an unknown one. */
function resolveFields(names: readonly string[]): string[] {
  const out: string[] = [];
  for (const name of names) {
    const field = resolveContactField(name.trim());
    if (!field) throw new UnknownFieldError(name.trim());
    if (!out.includes(field)) out.push(field);
  }
  return out;
}

/** Salesforce's REST error body: an array of `{message, errorCode, fields}`. */
function apiError(status: number, errorCode: string, message: string, fields?: string[]): SimulatorResponse {
  return { status, body: [{ message, errorCode, ...(fields ? { fields } : {}) }] };
}

function notFoundError(): SimulatorResponse {
  return apiError(404, 'NOT_FOUND', 'The requested resource does not exist');
}

function oauthError(error: string, description: string): SimulatorResponse {
  return { status: 400, body: { error, error_description: description } };
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

