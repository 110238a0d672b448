import { randomBytes } from 'node:crypto';
import type { FaultConfig } from '../simulator';
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
import { BOOLEAN_CONTACT_COLUMNS, CONTACT_COLUMNS, WRITABLE_CONTACT_COLUMNS, type DynamicsContact } from './dynamics-contact';
import { dataverseDateTime } from './dynamics-population';
import { ODataFilterError, parseODataFilter, type ODataPredicate } from './odata-filter';

/**
 * A contract simulator of the Microsoft Dataverse Web API (Dynamics 365) subset the
 * adapter and the `dynamics-web-api` client use, on the `contacts` table, over real HTTP:
 *
 * - OAuth 2.0 client credentials at a Microsoft identity platform token endpoint, hosted
 *   here at `POST /<tenant>/oauth2/v2.0/token` (form body: `grant_type=client_credentials`,
 *   `client_id`, `client_secret`, `scope=<org url>/.default`), answering
 *   `{token_type, expires_in, ext_expires_in, access_token}` or an `AADSTS` error
 *   `{error, error_description, error_codes, timestamp, trace_id, correlation_id}`; Web API
 *   calls need `Authorization: Bearer <token>` (401 with `WWW-Authenticate` otherwise):
 *   https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-client-creds-grant-flow
 *   https://learn.microsoft.com/en-us/power-apps/developer/data-platform/authenticate-oauth
 * - `GET /api/data/v9.2/contacts` with `$select`, `$filter` (see odata-filter.ts: `eq ne gt
 *   ge lt le`, `and`/`or`/`not`, `Microsoft.Dynamics.CRM.In`), `$orderby`, `$top`, server-driven
 *   paging (`Prefer: odata.maxpagesize=N`, at most 5,000 a page, `@odata.nextLink` with a
 *   `$skiptoken` paging cookie, `Preference-Applied`):
 *   https://learn.microsoft.com/en-us/power-apps/developer/data-platform/webapi/query/overview
 *   https://learn.microsoft.com/en-us/power-apps/developer/data-platform/webapi/query/page-results
 * - `GET /api/data/v9.2/contacts(<guid>)` (404 `0x80040217` for a missing row; `If-None-Match`
 *   answers 304) and `PATCH` of the same URL, with `If-Match` (`*`: the row must exist; an
 *   ETag `W/"<versionnumber>"`: it must be that version, else 412 `0x80060882`); without
 *   `If-Match` a PATCH is an upsert and creates a missing row, as Dataverse's does; 204 with
 *   `OData-EntityId`, or 200 with the row under `Prefer: return=representation`. Every
 *   row carries `@odata.etag`:
 *   https://learn.microsoft.com/en-us/power-apps/developer/data-platform/webapi/update-delete-entities-using-web-api
 *   https://learn.microsoft.com/en-us/power-apps/developer/data-platform/webapi/perform-conditional-operations-using-web-api
 * - Change tracking: `Prefer: odata.track-changes` answers every row and, on the last
 *   page, `@odata.deltaLink` (`$deltatoken=<version>!<time>`); that link answers the rows
 *   changed since. `$filter`, `$orderby` and `$top` are refused with it, as Dataverse does:
 *   https://learn.microsoft.com/en-us/power-apps/developer/data-platform/webapi/use-change-tracking-synchronize-data-external-systems
 * - Errors `{"error":{"code":"0x...","message":"..."}}`:
 *   https://learn.microsoft.com/en-us/power-apps/developer/data-platform/webapi/compose-http-requests-handle-errors
 *   https://learn.microsoft.com/en-us/power-apps/developer/data-platform/reference/web-service-error-codes
 * - Service protection limits: `burstLimit` requests per 300-second window (Dataverse's
 *   6,000 per user), beyond which 429 `0x80072322` with `Retry-After`; every Web API answer
 *   carries `x-ms-ratelimit-burst-remaining-xrm-requests` and
 *   `x-ms-ratelimit-time-remaining-xrm-requests`:
 *   https://learn.microsoft.com/en-us/power-apps/developer/data-platform/api-limits
 *
 * - URLs of at most 32,768 characters (414 beyond):
 *   https://learn.microsoft.com/en-us/power-apps/developer/data-platform/webapi/compose-http-requests-handle-errors#maximum-url-length
 *
 * Not simulated: `$batch` (the adapter reads by id with an `In` filter, one GET per 500
 * ids), `$expand`, alternate keys, deletes (a delta link never reports removed rows).
 * A PATCH that changes no value leaves the row's version and `modifiedon` as they were
 * (Dataverse stamps every update; the adapter copes either way).
 *
 * Admin (not part of the vendor API): `POST /__admin/faults`, `GET /__admin/requests`,
 * `POST /__admin/reset-counters`, `GET /__admin/writes` (the PATCHes received),
 * `GET /__admin/webhook-deliveries`, `POST /__admin/revoke-tokens`, and:
 * - `POST /__admin/record-change` `{id, attributes: {donotbulkemail: true, ...}}`: a change
 *   made by a person in Dynamics 365 itself (validated as a PATCH is; not a write-back, so
 *   not in `/__admin/writes`); 200 with the row as the GET answers it.
 * - Webhooks: Dataverse notifies through service endpoints registered with the plug-in
 *   registration tool (a `RemoteExecutionContext` POST), which the simulator does not
 *   speak; it sends a signed Standard Webhook `contact.updated` on every change (API or
 *   admin) to the receivers registered with `POST /__admin/webhooks` (see
 *   simulators/http/standard-webhooks.ts).
 */

/** Options of the Dynamics 365 simulator. */
export interface DynamicsSimulatorOptions {
  /** Port on 127.0.0.1; 0 picks a free one. @default 0 */
  port?: number;
  /** The environment's contacts (copied; PATCHes change the copies). */
  contacts: readonly DynamicsContact[];
  /** The Microsoft Entra tenant (directory) id. @default DEFAULT_DYNAMICS_TENANT_ID */
  tenantId?: string;
  /** The app registration's client id. @default DEFAULT_DYNAMICS_CLIENT_ID */
  clientId?: string;
  /** The app registration's client secret. @default DEFAULT_DYNAMICS_CLIENT_SECRET */
  clientSecret?: string;
  /** Web API requests allowed per 300-second window before 429s. @default 6000 */
  burstLimit?: number;
  /** Access token lifetime, in seconds. @default 3599 */
  tokenLifetimeSeconds?: number;
  /** Faults from the start. @default {} */
  faults?: FaultConfig;
  /** The system's name in the descriptor (`SYSTEMS`' `name`). @default 'dynamics' */
  system?: string;
  /** Retry schedule and timeout of outgoing webhooks. @default see WebhookDeliveryOptions */
  webhooks?: WebhookDeliveryOptions;
}

/** A running Dynamics 365 simulator, with test access to its state. */
export interface DynamicsSimulator extends SimulatorServer {
  /** The contact as the simulator now holds it. */
  getContact(id: string): DynamicsContact | undefined;
  /** Invalidates every issued token (as `POST /__admin/revoke-tokens` does). */
  revokeTokens(): void;
}

export const DEFAULT_DYNAMICS_TENANT_ID = '72f988bf-86f1-41af-91ab-2d7cd011db47';
export const DEFAULT_DYNAMICS_CLIENT_ID = '51f81489-12ee-4a9e-aaae-a2591f45987d';
export const DEFAULT_DYNAMICS_CLIENT_SECRET = 'dataverse-simulator-secret~7Qx2';

const DATA_PATH = '/api/data/v9.2';
const MAX_PAGE_SIZE = 5000;
/** https://learn.microsoft.com/en-us/power-apps/developer/data-platform/webapi/compose-http-requests-handle-errors#maximum-url-length */
const MAX_URL_LENGTH = 32_768;
const WINDOW_MS = 300_000;
const ODATA_JSON = 'application/json; odata.metadata=minimal';
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Dataverse's error codes for what the simulator refuses. */
const CODES = {
  notFound: '0x80040217',
  badQuery: '0x80060888',
  versionMismatch: '0x80060882',
  requestsExceeded: '0x80072322',
  unexpected: '0x80040216',
  invalidDeltaToken: '0x80044352',
} as const;

/** Starts the Dynamics 365 simulator on loopback. */
export async function startDynamicsSimulator(options: DynamicsSimulatorOptions): Promise<DynamicsSimulator> {
  const {
    tenantId = DEFAULT_DYNAMICS_TENANT_ID,
    clientId = DEFAULT_DYNAMICS_CLIENT_ID,
    clientSecret = DEFAULT_DYNAMICS_CLIENT_SECRET,
    burstLimit = 6000,
    tokenLifetimeSeconds = 3599,
    system = 'dynamics',
  } = options;
  const contacts = new Map<string, DynamicsContact>();
  for (const contact of options.contacts) contacts.set(contact.contactid.toLowerCase(), structuredClone(contact));
  let version = Math.max(1_000_000, ...[...contacts.values()].map((contact) => contact.versionnumber));
  const tokens = new Map<string, number>();
  const now = createModificationClock();
  const standardWebhooks = createStandardWebhooks(`${system}-simulator-webhooks`);
  let orgUrl = '';
  let window = { startedAt: Date.now(), requests: 0 };

  /** The row as the Web API answers it: its ETag annotation first, then the selected columns (the key always). */
  const render = (contact: DynamicsContact, select: readonly string[] | null): Record<string, unknown> => {
    const out: Record<string, unknown> = { '@odata.etag': etagOf(contact) };
    for (const column of select ?? Object.keys(contact)) out[column] = contact[column as keyof DynamicsContact];
    out.contactid = contact.contactid;
    return out;
  };

  const authed =
    (handler: (request: SimulatorRequest) => SimulatorResponse) =>
    (request: SimulatorRequest): SimulatorResponse => {
      const bearer = /^Bearer (.+)$/i.exec(request.headers.authorization ?? '');
      const expiresAt = bearer ? tokens.get(bearer[1]!) : undefined;
      if (!expiresAt || expiresAt < Date.now()) {
        const reason = !bearer ? 'Bearer token is missing' : expiresAt ? 'The token is expired' : 'The token is not valid';
        return {
          status: 401,
          headers: {
            'WWW-Authenticate': `Bearer error=invalid_token, error_description="${reason}", authorization_uri=https://login.microsoftonline.com/${tenantId}/oauth2/authorize, resource_id=${orgUrl}`,
          },
        };
      }
      try {
        return handler(request);
      } catch (error) {
        if (error instanceof ODataError) return odataError(error.status, error.code, error.message);
        throw error;
      }
    };

  const token = (request: SimulatorRequest, tenant: string): SimulatorResponse => {
    const form = new URLSearchParams(request.body);
    if (tenant !== tenantId) return aadError(400, 'invalid_request', 90002, `Tenant '${tenant}' not found.`);
    if (form.get('grant_type') !== 'client_credentials') {
      return aadError(400, 'unsupported_grant_type', 70003, 'The app requested an unsupported grant type.');
    }
    if (form.get('client_id') !== clientId) {
      return aadError(400, 'unauthorized_client', 700016, `Application with identifier '${form.get('client_id') ?? ''}' was not found in the directory.`);
    }
    if (form.get('client_secret') !== clientSecret) {
      return aadError(401, 'invalid_client', 7000215, 'Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.');
    }
    const scope = form.get('scope') ?? '';
    if (scope.replace(/\/+\.default$/, '') !== orgUrl || !scope.endsWith('/.default')) {
      return aadError(400, 'invalid_scope', 1002012, `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier.`);
    }
    const accessToken = `eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.${randomBytes(24).toString('base64url')}`;
    tokens.set(accessToken, Date.now() + tokenLifetimeSeconds * 1000);
    return {
      status: 200,
      headers: { 'Cache-Control': 'no-store, no-cache', Pragma: 'no-cache' },
      body: { token_type: 'Bearer', expires_in: tokenLifetimeSeconds, ext_expires_in: tokenLifetimeSeconds, access_token: accessToken },
    };
  };

  const list = (request: SimulatorRequest): SimulatorResponse => {
    const params = request.url.searchParams;
    const prefer = parsePrefer(request.headers.prefer);
    const select = parseSelect(params.get('$select'));
    const deltaToken = params.get('$deltatoken');
    const tracking = prefer.trackChanges || deltaToken !== null;
    if (tracking && (params.has('$filter') || params.has('$orderby') || params.has('$top'))) {
      throw new ODataError(400, CODES.badQuery, 'The $filter, $orderby and $top query options are not supported with change tracking.');
    }
    let rows: DynamicsContact[];
    if (deltaToken !== null) {
      const since = Number(/^(\d+)!/.exec(deltaToken)?.[1] ?? NaN);
      if (!Number.isSafeInteger(since)) throw new ODataError(400, CODES.invalidDeltaToken, 'The delta token is not valid.');
      rows = [...contacts.values()].filter((contact) => contact.versionnumber > since).sort((a, b) => a.versionnumber - b.versionnumber);
    } else {
      const filterText = params.get('$filter');
      const filter: ODataPredicate | null = filterText ? parseFilter(filterText) : null;
      rows = [...contacts.values()].filter((contact) => !filter || filter(contact as unknown as Record<string, unknown>));
      rows.sort(orderBy(params.get('$orderby')));
      const top = params.get('$top');
      if (top !== null) {
        if (!/^\d+$/.test(top)) throw new ODataError(400, CODES.badQuery, `Invalid value for $top: '${top}'.`);
        rows = rows.slice(0, Number(top));
      }
    }
    const pageSize = Math.min(prefer.maxPageSize ?? MAX_PAGE_SIZE, MAX_PAGE_SIZE);
    const offset = skipOffset(params.get('$skiptoken'));
    const page = rows.slice(offset, offset + pageSize);
    const body: Record<string, unknown> = {
      '@odata.context': `${orgUrl}${DATA_PATH}/$metadata#contacts(${(select ?? []).join(',')})${tracking ? '/$delta' : ''}`,
      value: page.map((contact) => render(contact, select)),
    };
    if (offset + pageSize < rows.length) {
      const pageNumber = Math.floor(offset / pageSize) + 2;
      const cookie = `<cookie pagenumber="${pageNumber}" offset="${offset + pageSize}" istracking="${tracking ? 'True' : 'False'}" />`;
      const kept = [...params].filter(([name]) => name !== '$skiptoken');
      body['@odata.nextLink'] = odataLink(`${orgUrl}${request.url.pathname}`, [...kept, ['$skiptoken', cookie] as const]);
    } else if (tracking) {
      const options: [string, string][] = select ? [['$select', select.join(',')]] : [];
      body['@odata.deltaLink'] = odataLink(`${orgUrl}${DATA_PATH}/contacts`, [...options, ['$deltatoken', `${version}!${deltaTime(new Date())}`]]);
    }
    const applied = [prefer.maxPageSize !== undefined && `odata.maxpagesize=${pageSize}`, prefer.trackChanges && 'odata.track-changes'].filter(Boolean);
    return { status: 200, headers: { 'Content-Type': ODATA_JSON, ...(applied.length && { 'Preference-Applied': applied.join(',') }) }, body };
  };

  const retrieve = (request: SimulatorRequest, id: string): SimulatorResponse => {
    const contact = existing(id);
    if (request.headers['if-none-match'] === etagOf(contact)) return { status: 304, headers: { ETag: etagOf(contact) } };
    const select = parseSelect(request.url.searchParams.get('$select'));
    return {
      status: 200,
      headers: { 'Content-Type': ODATA_JSON, ETag: etagOf(contact) },
      body: { '@odata.context': `${orgUrl}${DATA_PATH}/$metadata#contacts(${(select ?? []).join(',')})/$entity`, ...render(contact, select) },
    };
  };

  const update = (request: SimulatorRequest, id: string): SimulatorResponse => {
    const changes = parseChanges(request.body);
    const ifMatch = request.headers['if-match'];
    let contact = contacts.get(id.toLowerCase());
    if (ifMatch !== undefined) {
      if (!contact) throw notFound(id);
      if (ifMatch !== '*' && ifMatch !== etagOf(contact)) {
        throw new ODataError(412, CODES.versionMismatch, "The version of the existing record doesn't match the RowVersion property provided.");
      }
    }
    let created = false;
    if (!contact) {
      // Without If-Match, PATCH is an upsert: a missing row is created with this id.
      const stamp = dataverseDateTime(now().getTime());
      contact = { ...emptyContact(id.toLowerCase()), createdon: stamp, modifiedon: stamp, versionnumber: ++version };
      contacts.set(contact.contactid, contact);
      created = true;
    }
    const changedFields = apply(contact, changes);
    const location = `${orgUrl}${DATA_PATH}/contacts(${contact.contactid})`;
    const representation = /return=representation/.test(String(request.headers.prefer ?? ''));
    return {
      status: representation ? (created ? 201 : 200) : 204,
      headers: { 'OData-EntityId': location, ...(representation && { 'Content-Type': ODATA_JSON }) },
      ...(representation && { body: render(contact, parseSelect(request.url.searchParams.get('$select'))) }),
      write: { recordId: contact.contactid, body: changes },
      webhooks: changedFields.length || created ? contactWebhooks(contact, changedFields) : [],
    };
  };

  /** Applies validated changes; a change of any value stamps the row (new version, `modifiedon`). Returns the columns changed. */
  const apply = (contact: DynamicsContact, changes: Record<string, unknown>): string[] => {
    const changed = Object.keys(changes).filter((column) => contact[column as keyof DynamicsContact] !== changes[column]);
    if (changed.length === 0) return [];
    Object.assign(contact, changes);
    contact.fullname = [contact.firstname, contact.lastname].filter(Boolean).join(' ') || null;
    contact.versionnumber = ++version;
    contact.modifiedon = dataverseDateTime(now().getTime());
    return changed;
  };

  const contactWebhooks = (contact: DynamicsContact, changedFields: string[]) =>
    standardWebhooks.messagesFor({ type: 'contact.updated', id: contact.contactid, changedFields, record: render(contact, null) });

  const existing = (id: string): DynamicsContact => {
    const contact = contacts.get(id.toLowerCase());
    if (!contact) throw notFound(id);
    return contact;
  };

  const recordChange = (request: SimulatorRequest): SimulatorResponse => {
    try {
      const { id, attributes } = JSON.parse(request.body || '{}') as { id?: unknown; attributes?: unknown };
      if (typeof id !== 'string') return { status: 400, body: { error: 'id (a contactid) is required' } };
      const contact = existing(id);
      const changedFields = apply(contact, parseChanges(JSON.stringify(attributes ?? {})));
      return { status: 200, body: render(contact, null), webhooks: changedFields.length ? contactWebhooks(contact, changedFields) : [] };
    } catch (error) {
      if (error instanceof ODataError) return odataError(error.status, error.code, error.message);
      return { status: 400, body: { error: 'the body must be JSON {id, attributes}' } };
    }
  };

  const route = (request: SimulatorRequest): RouteMatch | null => {
    const path = decodeURIComponent(request.url.pathname);
    const tokenPath = /^\/([^/]+)\/oauth2\/v2\.0\/token$/.exec(path);
    if (tokenPath && request.method === 'POST') return { label: 'token', handle: (r) => token(r, tokenPath[1]!) };
    if (!path.startsWith(`${DATA_PATH}/`)) return null;
    if (request.url.pathname.length + request.url.search.length > MAX_URL_LENGTH) {
      return { label: 'url-too-long', handle: () => odataError(414, CODES.badQuery, `The URL is longer than ${MAX_URL_LENGTH} characters.`) };
    }
    const rest = path.slice(DATA_PATH.length);
    if (rest === '/contacts' && request.method === 'GET') {
      return { label: request.url.searchParams.has('$deltatoken') ? 'contacts.delta' : 'contacts.list', handle: limited(authed(list)) };
    }
    const single = /^\/contacts\(([^)]*)\)$/.exec(rest);
    if (single) {
      const key = single[1]!;
      const byId = (handler: (request: SimulatorRequest, id: string) => SimulatorResponse) =>
        limited(authed((r) => {
          if (!GUID.test(key)) throw new ODataError(400, CODES.badQuery, `Bad Request - Error in query syntax: '${key}' is not a valid key for contacts.`);
          return handler(r, key);
        }));
      if (request.method === 'GET') return { label: 'contacts.get', handle: byId(retrieve) };
      if (request.method === 'PATCH') return { label: 'contacts.update', handle: byId(update) };
    }
    return null;
  };

  /** Service protection: past `burstLimit` requests in the window, 429 until it ends. */
  const limited =
    (handler: (request: SimulatorRequest) => SimulatorResponse) =>
    (request: SimulatorRequest): SimulatorResponse => {
      if (Date.now() - window.startedAt >= WINDOW_MS) window = { startedAt: Date.now(), requests: 0 };
      window.requests += 1;
      if (window.requests > burstLimit) {
        const response = serviceProtection(burstLimit);
        response.headers = { ...response.headers, 'Retry-After': String(Math.ceil((window.startedAt + WINDOW_MS - Date.now()) / 1000)) };
        return response;
      }
      return handler(request);
    };

  const server = await startSimulatorServer({
    port: options.port,
    faults: options.faults,
    describe: (port) => {
      orgUrl = `http://127.0.0.1:${port}`;
      return {
        name: system,
        dialect: 'dynamics',
        baseUrl: orgUrl,
        credentials: { tenantId, clientId, clientSecret, tokenUrl: `${orgUrl}/${tenantId}/oauth2/v2.0/token` },
      };
    },
    route,
    notFound: (request) => odataError(404, '0x80060888', `Resource not found for the segment '${request.url.pathname.split('/').pop() ?? ''}'.`),
    faultResponse: (status, kind) => (kind === 'rate-limit' ? serviceProtection(burstLimit) : odataError(status, CODES.unexpected, 'An unexpected error occurred.')),
    decorate: (request, response, label) => {
      if (label === 'token' || !request.url.pathname.startsWith(DATA_PATH)) return;
      response.headers = {
        'OData-Version': '4.0',
        'x-ms-ratelimit-burst-remaining-xrm-requests': String(Math.max(0, burstLimit - window.requests)),
        'x-ms-ratelimit-time-remaining-xrm-requests': '1,200.00',
        ...response.headers,
      };
    },
    admin: {
      'POST /__admin/record-change': recordChange,
      'POST /__admin/revoke-tokens': () => {
        tokens.clear();
        return { status: 204 };
      },
      ...standardWebhooks.admin,
    },
    webhookDelivery: options.webhooks,
    // Dataverse takes GET URLs of up to 32,768 characters (414 beyond, checked in route), more than Node's 16 KB of headers.
    maxHeaderSize: 48 * 1024,
  });

  return Object.assign(server, {
    getContact: (id: string) => contacts.get(id.toLowerCase()),
    revokeTokens: () => tokens.clear(),
  });
}

/** An error Dataverse answers with a status, a hexadecimal code and a message. */
class ODataError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function odataError(status: number, code: string, message: string): SimulatorResponse {
  return { status, headers: { 'Content-Type': ODATA_JSON }, body: { error: { code, message } } };
}

function notFound(id: string): ODataError {
  return new ODataError(404, CODES.notFound, `contact With Id = ${id} Does Not Exist`);
}

function serviceProtection(limit: number): SimulatorResponse {
  return odataError(429, CODES.requestsExceeded, `Number of requests exceeded the limit of ${limit} over time window of 300 seconds.`);
}

/** The Microsoft identity platform's error body. */
function aadError(status: number, error: string, code: number, description: string): SimulatorResponse {
  return {
    status,
    body: {
      error,
      error_description: `AADSTS${code}: ${description}`,
      error_codes: [code],
      timestamp: new Date().toISOString().replace('T', ' ').replace('Z', 'Z'),
      trace_id: randomUuid(),
      correlation_id: randomUuid(),
    },
  };
}

function randomUuid(): string {
  const h = randomBytes(16).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/**
 * A link as Dataverse writes one: system query option names keep their `$`, values are
 * percent-encoded (`...contacts?$select=fullname&$deltatoken=919042%2108%2f22%2f2017...`).
 */
function odataLink(base: string, params: readonly (readonly [string, string])[]): string {
  return `${base}?${params.map(([name, value]) => `${name}=${encodeURIComponent(value)}`).join('&')}`;
}

/** A delta token's time part, `MM/DD/YYYY hh:mm:ss` (UTC), as Dataverse writes it. */
function deltaTime(date: Date): string {
  const iso = date.toISOString();
  return `${iso.slice(5, 7)}/${iso.slice(8, 10)}/${iso.slice(0, 4)} ${iso.slice(11, 19)}`;
}

function etagOf(contact: DynamicsContact): string {
  return `W/"${contact.versionnumber}"`;
}

function parseFilter(text: string): ODataPredicate {
  try {
    return parseODataFilter(text, CONTACT_COLUMNS);
  } catch (error) {
    if (error instanceof ODataFilterError) throw new ODataError(400, CODES.badQuery, error.message);
    throw error;
  }
}

function parseSelect(text: string | null): string[] | null {
  if (text === null || text.trim() === '') return null;
  const columns = text.split(',').map((column) => column.trim());
  for (const column of columns) {
    if (!CONTACT_COLUMNS.has(column)) throw new ODataError(400, CODES.badQuery, `Could not find a property named '${column}' on type 'Microsoft.Dynamics.CRM.contact'.`);
  }
  return columns;
}

/** `$orderby=modifiedon asc,contactid desc`; the key breaks ties (Dataverse orders by it when asked for nothing). */
function orderBy(text: string | null): (a: DynamicsContact, b: DynamicsContact) => number {
  const keys = (text ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const [column = '', direction = 'asc'] = part.split(/\s+/);
      if (!CONTACT_COLUMNS.has(column) || !/^(asc|desc)$/.test(direction)) {
        throw new ODataError(400, CODES.badQuery, `Invalid $orderby clause '${part}'.`);
      }
      return { column: column as keyof DynamicsContact, sign: direction === 'desc' ? -1 : 1 };
    });
  keys.push({ column: 'contactid', sign: 1 });
  return (a, b) => {
    for (const { column, sign } of keys) {
      const [x, y] = [a[column], b[column]];
      if (x === y) continue;
      if (x === null) return -sign;
      if (y === null) return sign;
      return (x < y ? -1 : 1) * sign;
    }
    return 0;
  };
}

function parsePrefer(header: string | string[] | undefined): { maxPageSize?: number; trackChanges: boolean } {
  const parts = (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',').map((part) => part.trim());
  const size = parts.map((part) => /^odata\.maxpagesize=(\d+)$/.exec(part)?.[1]).find((value) => value !== undefined);
  return { maxPageSize: size ? Math.max(1, Number(size)) : undefined, trackChanges: parts.includes('odata.track-changes') };
}

function skipOffset(token: string | null): number {
  if (token === null) return 0;
  const offset = /offset="(\d+)"/.exec(token)?.[1];
  if (offset === undefined) throw new ODataError(400, CODES.badQuery, 'The $skiptoken is not valid.');
  return Number(offset);
}

/** A PATCH body's columns, checked: writable ones only, booleans as JSON booleans, text as text or null. */
function parseChanges(body: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body || '{}');
  } catch {
    throw new ODataError(400, CODES.badQuery, 'The request body is not valid JSON.');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new ODataError(400, CODES.badQuery, 'The request body must be a JSON object.');
  const changes: Record<string, unknown> = {};
  for (const [column, value] of Object.entries(parsed)) {
    if (column.startsWith('@odata.')) continue;
    if (!CONTACT_COLUMNS.has(column)) {
      throw new ODataError(400, CODES.badQuery, `The property '${column}' does not exist on type 'Microsoft.Dynamics.CRM.contact'. Make sure to only use property names that are defined by the type.`);
    }
    if (!WRITABLE_CONTACT_COLUMNS.has(column)) throw new ODataError(400, CODES.badQuery, `The property '${column}' cannot be set: it is read-only.`);
    if (BOOLEAN_CONTACT_COLUMNS.has(column) ? typeof value !== 'boolean' : column === 'preferredcontactmethodcode' ? !Number.isInteger(value) : value !== null && typeof value !== 'string') {
      throw new ODataError(400, CODES.badQuery, `Cannot convert the literal '${String(value)}' to the expected type of '${column}'.`);
    }
    changes[column] = value;
  }
  return changes;
}

function emptyContact(id: string): DynamicsContact {
  return {
    contactid: id, firstname: null, lastname: null, fullname: null, emailaddress1: null, emailaddress2: null, emailaddress3: null,
    telephone1: null, telephone2: null, mobilephone: null, address1_line1: null, address1_city: null, address1_stateorprovince: null,
    address1_postalcode: null, address1_country: null, birthdate: null, createdon: '', modifiedon: '', versionnumber: 0, statecode: 0,
    preferredcontactmethodcode: 1, donotemail: false, donotbulkemail: false, donotphone: false, donotfax: false, donotpostalmail: false,
    donotsendmm: false,
  };
}
