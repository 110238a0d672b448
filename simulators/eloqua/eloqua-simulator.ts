import type { FaultConfig } from '../simulator';
import {
  startSimulatorServer,
  type RouteMatch,
  type SimulatorRequest,
  type SimulatorResponse,
  type SimulatorServer,
} from '../http/simulator-server';
import { createStandardWebhooks } from '../http/standard-webhooks';
import { ELOQUA_EMAIL_GROUPS, WRITABLE_CONTACT_FIELDS, type EloquaContact } from './eloqua-contact';
import { unixSeconds } from './eloqua-population';
import { EloquaSearchError, parseEloquaSearch, parseTime } from './eloqua-search';

/**
 * A contract simulator of the Oracle Eloqua Application API (REST 1.0) subset the adapter
 * and the `eloqua` npm package use, over real HTTP:
 *
 * - Base URL discovery, `GET /id` here (Eloqua's `https://login.eloqua.com/id`): with valid
 *   credentials `{site: {id, name}, user: {id, username, displayName, ...}, urls: {base,
 *   apis: {soap, rest: {standard, data, bulk}}}}`; with invalid ones HTTP 200 and the JSON
 *   string `"Not authenticated."` (Eloqua's own answer, which a client must not take for
 *   a base URL):
 *   https://docs.oracle.com/en/cloud/saas/marketing/eloqua-develop/Developers/GettingStarted/APIRequests/determining-base-url.htm
 * - HTTP Basic `base64(<Company>\<User>:<password>)` or an OAuth 2.0 bearer token; 401 otherwise:
 *   https://docs.oracle.com/en/cloud/saas/marketing/eloqua-develop/Developers/GettingStarted/Authentication/authenticate-using-http-basic-auth.htm
 *   https://docs.oracle.com/en/cloud/saas/marketing/eloqua-develop/Developers/GettingStarted/Authentication/authenticate-using-oauth.htm
 * - `GET /api/REST/1.0/data/contacts?search=&depth=minimal|partial|complete&page=&count=&orderBy=&lastUpdatedAt=`
 *   (count 1 to 1,000, `{elements, page, pageSize, total}`; search: see eloqua-search.ts;
 *   `lastUpdatedAt` keeps contacts updated at or after that Unix time):
 *   https://docs.oracle.com/en/cloud/saas/marketing/eloqua-rest-api/op-api-rest-1.0-data-contacts-get.html
 *   https://docs.oracle.com/en/cloud/saas/marketing/eloqua-develop/Developers/GettingStarted/APIRequests/request-depth.htm
 * - `GET` and `PUT /api/REST/1.0/data/contact/{id}`: the PUT body must carry `id` (the
 *   path's) and `emailAddress`; fields it leaves out keep their values; scalars are
 *   strings (`"isSubscribed": "false"` is the global unsubscribe), and every change stamps
 *   `updatedAt`:
 *   https://docs.oracle.com/en/cloud/saas/marketing/eloqua-rest-api/op-api-rest-1.0-data-contact-id-get.html
 *   https://docs.oracle.com/en/cloud/saas/marketing/eloqua-rest-api/op-api-rest-1.0-data-contact-id-put.html
 * - Email groups, `GET /api/REST/1.0/assets/email/groups`, and a contact's subscriptions,
 *   `GET /api/REST/1.0/data/contact/{id}/email/groups/subscription` (every group, subscribed
 *   or not), `GET` and `PUT .../email/group/{groupId}/subscription` with
 *   `{type: "EmailGroupSubscription", emailGroup: {id}, isSubscribed: "true"|"false"}`:
 *   https://docs.oracle.com/en/cloud/saas/marketing/eloqua-rest-api/op-api-rest-1.0-assets-email-groups-get.html
 *   https://docs.oracle.com/en/cloud/saas/marketing/eloqua-rest-api/op-api-rest-1.0-data-contact-id-email-groups-subscription-get.html
 *   https://docs.oracle.com/en/cloud/saas/marketing/eloqua-rest-api/op-api-rest-1.0-data-contact-id-email-group-groupid-subscription-put.html
 * - Errors: 400 validation answers are an array of `{type: "ObjectValidationError",
 *   container, property, requirement: {type}, value}`; 401 and 404 carry no JSON body:
 *   https://docs.oracle.com/en/cloud/saas/marketing/eloqua-develop/Developers/GettingStarted/APIRequests/validation-errors.htm
 *   https://docs.oracle.com/en/cloud/saas/marketing/eloqua-develop/Developers/GettingStarted/APIRequests/http-status-codes.htm
 * - At most 20 calls in flight at once per instance; one more is answered 429 Too Many
 *   Requests at once (the simulator counts every API call, as Oracle's limit does):
 *   https://docs.oracle.com/en/cloud/saas/marketing/eloqua-develop/Developers/GettingStarted/APIRequests/limits.htm
 *
 * Not simulated: the Bulk API (email group exports, the only way to read many contacts'
 * group subscriptions at once, is asynchronous: a definition, a sync, then its data),
 * REST 2.0, creating or deleting contacts, custom fields beyond `fieldValues` as stored,
 * Eloqua's own outbound notifications (its webhooks belong to the App Cloud framework and
 * campaign canvas steps, which the simulator does not speak): it sends a signed Standard
 * Webhook `contact.updated` on every change (API or admin) to receivers registered with
 * `POST /__admin/webhooks`, as the Dynamics simulator does; the gateway polls
 * `C_DateModified` in any case.
 * Uncertain, so kept plain: the exact bodies of 401/403/404/429 (Oracle documents the
 * statuses, not their bodies).
 *
 * Admin (not part of the vendor API): `POST /__admin/faults`, `GET /__admin/requests`,
 * `POST /__admin/reset-counters`, `GET /__admin/writes` (the PUTs received),
 * `GET /__admin/webhook-deliveries`, `POST /__admin/webhooks`, and
 * `POST /__admin/record-change` `{id, fields?: {isSubscribed: "false", ...}, groups?:
 * {"<groupId>": true|false}}`: a change made in Eloqua itself (a form, an unsubscribe
 * link, a marketer), stamping `updatedAt` as any change does; not a write-back.
 */

/** Options of the Eloqua simulator. */
export interface EloquaSimulatorOptions {
  /** Port on 127.0.0.1; 0 picks a free one. @default 0 */
  port?: number;
  /** The instance's contacts (copied; PUTs change the copies). */
  contacts: readonly EloquaContact[];
  /** Per contact id, per email group id, whether it is subscribed. @default none */
  groupSubscriptions?: ReadonlyMap<string, ReadonlyMap<string, boolean>>;
  /** The company (site) name. @default DEFAULT_ELOQUA_SITE_NAME */
  siteName?: string;
  /** The API user. @default DEFAULT_ELOQUA_USER_NAME */
  userName?: string;
  /** The API user's password. @default DEFAULT_ELOQUA_PASSWORD */
  password?: string;
  /** An OAuth 2.0 access token the instance also accepts. @default DEFAULT_ELOQUA_ACCESS_TOKEN */
  accessToken?: string;
  /** API calls in flight at once before 429s. @default 20 */
  maxConcurrentCalls?: number;
  /** Faults from the start. @default {} */
  faults?: FaultConfig;
  /** The system's name in the descriptor (`SYSTEMS`' `name`). @default 'eloqua' */
  system?: string;
}

/** A running Eloqua simulator, with test access to its state. */
export interface EloquaSimulator extends SimulatorServer {
  /** The contact as the simulator now holds it. */
  getContact(id: string): EloquaContact | undefined;
  /** Whether the contact is subscribed to the email group (undefined: never joined). */
  groupSubscription(contactId: string, groupId: string): boolean | undefined;
}

export const DEFAULT_ELOQUA_SITE_NAME = 'GatewayDemo';
export const DEFAULT_ELOQUA_USER_NAME = 'API.User';
export const DEFAULT_ELOQUA_PASSWORD = 'eloqua-simulator-password';
export const DEFAULT_ELOQUA_ACCESS_TOKEN = 'eloqua-simulator-oauth-token';

const REST = '/api/REST/1.0';
const MAX_COUNT = 1000;
const SITE_ID = '223344556';

/** Starts the Eloqua simulator on loopback. */
export async function startEloquaSimulator(options: EloquaSimulatorOptions): Promise<EloquaSimulator> {
  const {
    siteName = DEFAULT_ELOQUA_SITE_NAME,
    userName = DEFAULT_ELOQUA_USER_NAME,
    password = DEFAULT_ELOQUA_PASSWORD,
    accessToken = DEFAULT_ELOQUA_ACCESS_TOKEN,
    maxConcurrentCalls = 20,
    system = 'eloqua',
  } = options;
  const contacts = new Map<string, EloquaContact>();
  for (const contact of options.contacts) contacts.set(contact.id, structuredClone(contact));
  const subscriptions = new Map<string, Map<string, boolean>>();
  for (const [id, groups] of options.groupSubscriptions ?? []) subscriptions.set(id, new Map(groups));
  let baseUrl = '';
  let inFlight = 0;
  const standardWebhooks = createStandardWebhooks(`${system}-simulator-webhooks`);
  const contactWebhooks = (contact: EloquaContact, changedFields: string[]) =>
    standardWebhooks.messagesFor({ type: 'contact.updated', id: contact.id, changedFields, record: render(contact, 'complete') });
  let lastStamp = 0;
  /** Unix seconds, never the same twice in a row going back (a change is never stamped before an earlier one). */
  const stamp = (): string => {
    lastStamp = Math.max(Math.floor(Date.now() / 1000), lastStamp);
    return String(lastStamp);
  };

  const basic = `Basic ${Buffer.from(`${siteName}\\${userName}:${password}`).toString('base64')}`;
  const authenticated = (request: SimulatorRequest): boolean => {
    const header = request.headers.authorization ?? '';
    return header === basic || header === `Bearer ${accessToken}`;
  };

  const authed =
    (handler: (request: SimulatorRequest) => SimulatorResponse) =>
    (request: SimulatorRequest): SimulatorResponse => {
      if (!authenticated(request)) return { status: 401, headers: { 'WWW-Authenticate': 'Basic realm="Eloqua"' }, body: '' };
      return handler(request);
    };

  const identify = (request: SimulatorRequest): SimulatorResponse => {
    // Eloqua answers 200 and a JSON string when the credentials are wrong.
    if (!authenticated(request)) return { status: 200, body: JSON.stringify('Not authenticated.'), headers: { 'Content-Type': 'application/json; charset=utf-8' } };
    return {
      status: 200,
      body: {
        site: { id: Number(SITE_ID), name: siteName },
        user: { id: 12, username: userName, displayName: userName.replace('.', ' '), firstName: userName.split('.')[0], lastName: userName.split('.')[1] ?? '', emailAddress: `${userName.toLowerCase()}@example.com` },
        urls: {
          base: baseUrl,
          apis: {
            soap: { standard: `${baseUrl}/API/{version}/Service.svc`, dataTransfer: `${baseUrl}/API/{version}/DataTransferService.svc`, email: `${baseUrl}/API/{version}/EmailService.svc`, externalAction: `${baseUrl}/API/{version}/ExternalActionService.svc` },
            rest: { standard: `${baseUrl}/API/REST/{version}/`, data: `${baseUrl}/API/Data/{version}/`, bulk: `${baseUrl}/API/Bulk/{version}/` },
          },
        },
      },
    };
  };

  const listContacts = (request: SimulatorRequest): SimulatorResponse => {
    const params = request.url.searchParams;
    const errors: ValidationError[] = [];
    const count = intParam(params.get('count'), MAX_COUNT);
    const page = intParam(params.get('page'), 1);
    if (count === null || count < 1 || count > MAX_COUNT) errors.push(validation('count', 'IntegerRangeRequirement', params.get('count')));
    if (page === null || page < 1) errors.push(validation('page', 'IntegerRangeRequirement', params.get('page')));
    let filter: (contact: EloquaContact) => boolean = () => true;
    try {
      const search = params.get('search');
      if (search) filter = parseEloquaSearch(search);
    } catch (error) {
      if (!(error instanceof EloquaSearchError)) throw error;
      errors.push(validation(error.property, 'SearchTermRequirement', error.value));
    }
    const lastUpdatedAt = params.get('lastUpdatedAt');
    const since = lastUpdatedAt === null ? null : parseTime(lastUpdatedAt);
    if (lastUpdatedAt !== null && since === null) errors.push(validation('lastUpdatedAt', 'DateTimeRequirement', lastUpdatedAt));
    const order = parseOrderBy(params.get('orderBy'));
    if (order === null) errors.push(validation('orderBy', 'SortRequirement', params.get('orderBy')));
    if (errors.length > 0) return { status: 400, body: errors };
    const matched = [...contacts.values()].filter((contact) => filter(contact) && (since === null || Number(contact.updatedAt) >= since)).sort(order!);
    const size = count!;
    const elements = matched.slice((page! - 1) * size, page! * size).map((contact) => render(contact, depthOf(params.get('depth'))));
    return { status: 200, body: { elements, page: page!, pageSize: size, total: matched.length } };
  };

  const getContact = (request: SimulatorRequest, id: string): SimulatorResponse => {
    const contact = contacts.get(id);
    if (!contact) return notFound();
    return { status: 200, body: render(contact, depthOf(request.url.searchParams.get('depth'))) };
  };

  const putContact = (request: SimulatorRequest, id: string): SimulatorResponse => {
    const contact = contacts.get(id);
    if (!contact) return notFound();
    const body = parseObject(request.body);
    if (!body) return { status: 400, body: [validation('body', 'ObjectRequirement', request.body.slice(0, 40), id)] };
    const errors: ValidationError[] = [];
    if (body.id !== undefined && String(body.id) !== id) errors.push(validation('id', 'IdRequirement', String(body.id), id));
    if (typeof body.emailAddress !== 'string' || !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(body.emailAddress)) {
      errors.push(validation('emailAddress', 'EmailAddressRequirement', String(body.emailAddress ?? ''), id));
    }
    const changes: Record<string, unknown> = {};
    for (const [field, value] of Object.entries(body)) {
      if (['id', 'type', 'depth', 'name', 'createdAt', 'updatedAt'].includes(field)) continue;
      if (!WRITABLE_CONTACT_FIELDS.has(field)) {
        errors.push(validation(field, 'ReadOnlyRequirement', String(value), id));
        continue;
      }
      if (field === 'isSubscribed' || field === 'isBounceback') {
        const text = String(value);
        if (text !== 'true' && text !== 'false') errors.push(validation(field, 'BooleanRequirement', text, id));
        else changes[field] = text;
      } else if (field === 'fieldValues') {
        if (!Array.isArray(value)) errors.push(validation(field, 'ArrayRequirement', String(value), id));
        else changes[field] = value;
      } else if (value !== null && typeof value !== 'string') {
        errors.push(validation(field, 'StringRequirement', String(value), id));
      } else changes[field] = value ?? undefined;
    }
    const other = typeof body.emailAddress === 'string' ? [...contacts.values()].find((candidate) => candidate.id !== id && candidate.emailAddress.toLowerCase() === (body.emailAddress as string).toLowerCase()) : undefined;
    if (other) errors.push(validation('emailAddress', 'UniquenessRequirement', body.emailAddress as string, id));
    if (errors.length > 0) return { status: 400, body: errors };
    const changed = apply(contact, changes);
    return { status: 200, body: render(contact, 'complete'), write: { recordId: id, body }, webhooks: changed.length ? contactWebhooks(contact, changed) : [] };
  };

  /** Applies validated changes; a change of any value stamps the contact. */
  const apply = (contact: EloquaContact, changes: Record<string, unknown>): string[] => {
    const changed = Object.entries(changes).filter(([field, value]) => JSON.stringify(contact[field as keyof EloquaContact]) !== JSON.stringify(value));
    if (changed.length === 0) return [];
    const now = stamp();
    for (const [field, value] of changed) {
      (contact as unknown as Record<string, unknown>)[field] = value;
      if (field === 'isSubscribed') {
        if (value === 'true') contact.subscriptionDate = now;
        else contact.unsubscriptionDate = now;
      }
      if (field === 'emailAddress') contact.name = value as string;
    }
    contact.updatedAt = now;
    return changed.map(([field]) => field);
  };

  const listGroups = (): SimulatorResponse => ({
    status: 200,
    body: { elements: ELOQUA_EMAIL_GROUPS.map((group) => ({ ...group, depth: 'minimal' })), page: 1, pageSize: MAX_COUNT, total: ELOQUA_EMAIL_GROUPS.length },
  });

  const subscriptionOf = (contactId: string, group: (typeof ELOQUA_EMAIL_GROUPS)[number]) => ({
    type: 'EmailGroupSubscription',
    contactId,
    emailGroup: { type: 'ContactEmailGroup', id: group.id, name: group.name, depth: 'minimal' },
    isSubscribed: subscriptions.get(contactId)?.get(group.id) === true ? 'true' : 'false',
  });

  const listSubscriptions = (_request: SimulatorRequest, id: string): SimulatorResponse => {
    if (!contacts.has(id)) return notFound();
    const elements = ELOQUA_EMAIL_GROUPS.map((group) => subscriptionOf(id, group));
    return { status: 200, body: { elements, page: 1, pageSize: MAX_COUNT, total: elements.length } };
  };

  const groupSubscription = (request: SimulatorRequest, id: string, groupId: string): SimulatorResponse => {
    const group = ELOQUA_EMAIL_GROUPS.find((candidate) => candidate.id === groupId);
    const contact = contacts.get(id);
    if (!contact || !group) return notFound();
    if (request.method === 'GET') return { status: 200, body: subscriptionOf(id, group) };
    const body = parseObject(request.body);
    const value = body ? String(body.isSubscribed) : '';
    const errors: ValidationError[] = [];
    if (value !== 'true' && value !== 'false') errors.push(validation('isSubscribed', 'BooleanRequirement', value, id));
    const named = body && typeof body.emailGroup === 'object' && body.emailGroup !== null ? String((body.emailGroup as { id?: unknown }).id ?? '') : groupId;
    if (named !== groupId) errors.push(validation('emailGroup', 'IdRequirement', named, id));
    if (errors.length > 0) return { status: 400, body: errors };
    const changed = setGroup(contact, groupId, value === 'true');
    return { status: 200, body: subscriptionOf(id, group), write: { recordId: id, body: { emailGroup: groupId, isSubscribed: value } }, webhooks: changed.length ? contactWebhooks(contact, changed) : [] };
  };

  /** Sets a group subscription; returns the changed "field" (`emailGroup:<id>`), if any. */
  const setGroup = (contact: EloquaContact, groupId: string, on: boolean): string[] => {
    const groups = subscriptions.get(contact.id) ?? new Map<string, boolean>();
    subscriptions.set(contact.id, groups);
    if (groups.get(groupId) === on) return [];
    groups.set(groupId, on);
    contact.updatedAt = stamp();
    return [`emailGroup:${groupId}`];
  };

  const recordChange = (request: SimulatorRequest): SimulatorResponse => {
    const body = parseObject(request.body);
    const contact = typeof body?.id === 'string' ? contacts.get(body.id) : undefined;
    if (!body || !contact) return { status: 400, body: { error: 'the body must be JSON {id, fields?, groups?} naming an existing contact' } };
    const changed = body.fields && typeof body.fields === 'object' ? apply(contact, body.fields as Record<string, unknown>) : [];
    for (const [groupId, on] of Object.entries((body.groups ?? {}) as Record<string, unknown>)) changed.push(...setGroup(contact, groupId, on === true));
    return { status: 200, body: render(contact, 'complete'), webhooks: changed.length ? contactWebhooks(contact, changed) : [] };
  };

  const route = (request: SimulatorRequest): RouteMatch | null => {
    const path = request.url.pathname;
    if (path === '/id' && request.method === 'GET') return { label: 'id', handle: identify };
    // Eloqua's paths are case-insensitive (its own links say /API/REST/...).
    const lower = path.toLowerCase();
    const rest = lower.startsWith(REST.toLowerCase()) ? path.slice(REST.length) : null;
    if (rest === null) return null;
    if (rest === '/data/contacts' && request.method === 'GET') return { label: 'contacts.list', handle: authed(listContacts) };
    if (rest.toLowerCase() === '/assets/email/groups' && request.method === 'GET') return { label: 'groups.list', handle: authed(listGroups) };
    const single = /^\/data\/contact\/([^/]+)$/.exec(rest);
    if (single) {
      const id = decodeURIComponent(single[1]!);
      if (request.method === 'GET') return { label: 'contact.get', handle: authed((r) => getContact(r, id)) };
      if (request.method === 'PUT') return { label: 'contact.update', handle: authed((r) => putContact(r, id)) };
    }
    const groups = /^\/data\/contact\/([^/]+)\/email\/groups\/subscription$/i.exec(rest);
    if (groups && request.method === 'GET') return { label: 'subscriptions.list', handle: authed((r) => listSubscriptions(r, decodeURIComponent(groups[1]!))) };
    const group = /^\/data\/contact\/([^/]+)\/email\/group\/([^/]+)\/subscription$/i.exec(rest);
    if (group && (request.method === 'GET' || request.method === 'PUT')) {
      return {
        label: request.method === 'GET' ? 'subscription.get' : 'subscription.update',
        handle: authed((r) => groupSubscription(r, decodeURIComponent(group[1]!), decodeURIComponent(group[2]!))),
      };
    }
    return null;
  };

  const server = await startSimulatorServer({
    port: options.port,
    faults: options.faults,
    describe: (port) => {
      baseUrl = `http://127.0.0.1:${port}`;
      return { name: system, dialect: 'eloqua', baseUrl, credentials: { siteName, userName, password, loginUrl: `${baseUrl}/id` } };
    },
    route,
    notFound: () => notFound(),
    faultResponse: (status) => (status === 429 ? tooMany() : { status, body: '' }),
    // Oracle's limit: 20 concurrent calls per instance; the 21st is refused at once.
    admit: () => {
      if (inFlight >= maxConcurrentCalls) return { reject: tooMany() };
      inFlight += 1;
      return { release: () => (inFlight -= 1) };
    },
    admin: { 'POST /__admin/record-change': recordChange, ...standardWebhooks.admin },
  });

  return Object.assign(server, {
    getContact: (id: string) => contacts.get(id),
    groupSubscription: (contactId: string, groupId: string) => subscriptions.get(contactId)?.get(groupId),
  });
}

type Depth = 'minimal' | 'partial' | 'complete';

/** A contact at a depth: minimal is the key, name and times; partial adds the standard fields; complete adds `fieldValues`. */
function render(contact: EloquaContact, depth: Depth): Record<string, unknown> {
  const { type, id, name, createdAt, updatedAt, fieldValues, ...standard } = contact;
  const minimal = { type, id, createdAt, depth, name, updatedAt };
  if (depth === 'minimal') return minimal;
  const partial = { ...minimal, ...Object.fromEntries(Object.entries(standard).filter(([, value]) => value !== undefined)) };
  return depth === 'partial' ? partial : { ...partial, fieldValues };
}

/** Eloqua resets any other depth to minimal. */
function depthOf(value: string | null): Depth {
  return value === 'partial' || value === 'complete' ? value : 'minimal';
}

type ValidationError = { type: 'ObjectValidationError'; container: { type: 'ObjectKey'; objectType: 'Contact'; objectId?: string }; property: string; requirement: { type: string }; value: string };

function validation(property: string, requirement: string, value: string | null | undefined, objectId?: string): ValidationError {
  return { type: 'ObjectValidationError', container: { type: 'ObjectKey', objectType: 'Contact', ...(objectId && { objectId }) }, property, requirement: { type: requirement }, value: value ?? '' };
}

function notFound(): SimulatorResponse {
  return { status: 404, body: '' };
}

function tooMany(): SimulatorResponse {
  return { status: 429, headers: { 'Content-Type': 'text/plain' }, body: 'Too Many Requests' };
}

function intParam(value: string | null, fallback: number): number | null {
  if (value === null) return fallback;
  return /^\d+$/.test(value) ? Number(value) : null;
}

/** `orderBy=C_DateModified ASC` / `updatedAt DESC` / `id`; by id when absent. */
function parseOrderBy(value: string | null): ((a: EloquaContact, b: EloquaContact) => number) | null {
  const byId = (a: EloquaContact, b: EloquaContact) => Number(a.id) - Number(b.id);
  if (value === null || value.trim() === '') return byId;
  const match = /^\s*(\w+)(?:\s+(ASC|DESC))?\s*$/i.exec(value);
  if (!match) return null;
  const field = { id: 'id', updatedat: 'updatedAt', c_datemodified: 'updatedAt', createdat: 'createdAt', c_datecreated: 'createdAt' }[match[1]!.toLowerCase()] as keyof EloquaContact | undefined;
  if (!field) return null;
  const sign = match[2]?.toUpperCase() === 'DESC' ? -1 : 1;
  return (a, b) => sign * (Number(a[field]) - Number(b[field])) || byId(a, b);
}

function parseObject(text: string): Record<string, unknown> | null {
  try {
    const parsed: unknown = JSON.parse(text || 'null');
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** Unix seconds now (for tests that stamp by hand). */
export function eloquaNow(): string {
  return unixSeconds(Date.now());
}
