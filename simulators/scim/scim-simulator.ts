import { randomBytes } from 'node:crypto';
import SCIMMY from 'scimmy';
import type { FaultConfig } from '../simulator';
import { CONSENT_EXTENSION_URN, type ScimUser } from '../population/vendor-records';
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
import { changedAttributes } from './changed-attributes';
import { declareScimResources, SCIM_MAX_RESULTS } from './scim-declarations';
import { caseFoldedView, parseScimFilter, ScimFilterError } from './scim-filter';

/**
 * A contract simulator of a SCIM 2.0 identity system (the Users subset the adapter uses),
 * built on scimmy for schemas, filters, PatchOp and discovery documents:
 *
 * - `GET /Users/{id}`, `GET /Users?filter=&startIndex=&count=` (ListResponse, 1-based
 *   startIndex), filters on any attribute, `meta.lastModified gt "<time>"` included (a
 *   change query): https://datatracker.ietf.org/doc/html/rfc7644#section-3.4
 * - `PATCH /Users/{id}` with PatchOp `Operations`; `op` in any case, as Microsoft Entra
 *   sends "Replace". A PATCH that changes something sets a new `meta.version` and
 *   `meta.lastModified` (strictly increasing); one that changes nothing leaves both, as
 *   the resource did not change: https://datatracker.ietf.org/doc/html/rfc7644#section-3.5.2
 *   https://learn.microsoft.com/en-us/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups
 * - Errors `{schemas:[...Error], status:"404", scimType?, detail}` (status is a string):
 *   https://datatracker.ietf.org/doc/html/rfc7644#section-3.12
 * - `meta.version` weak ETags, `If-Match` (412 on mismatch), `If-None-Match` (304):
 *   https://datatracker.ietf.org/doc/html/rfc7644#section-3.14
 * - `/Schemas`, `/ResourceTypes`, `/ServiceProviderConfig` declaring our consent extension
 *   (`urn:customer-gateway:params:scim:schemas:extension:consent:2.0:User`):
 *   https://datatracker.ietf.org/doc/html/rfc7644#section-4
 * - Bearer token auth: https://datatracker.ietf.org/doc/html/rfc7644#section-2
 *
 * Admin (not part of the vendor API): `POST /__admin/faults`, `GET /__admin/requests`,
 * `POST /__admin/reset-counters`, `GET /__admin/writes` (the PATCHes received),
 * `GET /__admin/webhook-deliveries`, and:
 * - `POST /__admin/record-change`: a change made in the identity system's own console (not
 *   a write-back, so not in `/__admin/writes`), validated as a PATCH is. Either
 *   `{id, attributes: {<path>: value}}`, each entry a `replace` of that path (an attribute,
 *   `name.givenName`, an extension URN with an object, or `<urn>:<attribute>`), or `{id,
 *   Operations: [...]}` as in a PatchOp. 200 with the user as `GET /Users/{id}` answers it.
 * - Webhooks: RFC 7644 defines no outbound notification, so the
 *   simulator sends a signed Standard Webhook `user.updated` on every change (API or admin)
 *   to the receivers registered with `POST /__admin/webhooks` (see
 *   simulators/http/standard-webhooks.ts).
 */

/** Options of the SCIM simulator. */
export interface ScimSimulatorOptions {
  /** Port on 127.0.0.1; 0 picks a free one. @default 0 */
  port?: number;
  /** The identity system's users (copied; PATCHes change the copies). */
  users: readonly ScimUser[];
  /** The bearer token clients must send. @default DEFAULT_SCIM_BEARER_TOKEN */
  bearerToken?: string;
  /** Faults from the start. @default {} */
  faults?: FaultConfig;
  /** The system's name in the descriptor (`SYSTEMS`' `name`). @default 'identity' */
  system?: string;
  /** Retry schedule and timeout of outgoing webhooks. @default see WebhookDeliveryOptions */
  webhooks?: WebhookDeliveryOptions;
}

/** A running SCIM simulator, with test access to its state. */
export interface ScimSimulator extends SimulatorServer {
  /** The user as the simulator now holds it. */
  getUser(id: string): ScimUser | undefined;
}

export const DEFAULT_SCIM_BEARER_TOKEN = 'scim-simulator-token-5b1f0c2e9d';

const BASE_PATH = '/scim/v2';
const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';
const LIST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
const CONTENT_TYPE = 'application/scim+json; charset=utf-8';
const PATCH_OP_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

/** Starts the SCIM simulator on loopback. */
export async function startScimSimulator(options: ScimSimulatorOptions): Promise<ScimSimulator> {
  const { bearerToken = DEFAULT_SCIM_BEARER_TOKEN, system = 'identity' } = options;
  declareScimResources();
  const users = new Map<string, ScimUser>();
  const views = new Map<string, ScimUser>();
  // Indexes for the lookups adapters make most (userName / emails.value / phoneNumbers.value / externalId eq).
  const byUserName = new Map<string, Set<string>>();
  const byEmail = new Map<string, Set<string>>();
  const byPhone = new Map<string, Set<string>>();
  const byExternalId = new Map<string, Set<string>>();
  let baseUrl = '';
  const now = createModificationClock();
  const standardWebhooks = createStandardWebhooks(`${system}-simulator-webhooks`);

  const keysOf = (user: ScimUser): [Map<string, Set<string>>, string][] => [
    [byUserName, user.userName.toLowerCase()],
    ...user.emails.map((email): [Map<string, Set<string>>, string] => [byEmail, email.value.toLowerCase()]),
    // phoneNumbers.value is caseExact=false too, but digits have no case: exact text.
    ...(user.phoneNumbers ?? []).map((phone): [Map<string, Set<string>>, string] => [byPhone, phone.value]),
    ...(user.externalId ? [[byExternalId, user.externalId] as [Map<string, Set<string>>, string]] : []),
  ];
  const index = (user: ScimUser): void => {
    users.set(user.id, user);
    views.set(user.id, caseFoldedView(user));
    for (const [map, key] of keysOf(user)) {
      const ids = map.get(key) ?? new Set<string>();
      ids.add(user.id);
      map.set(key, ids);
    }
  };
  const unindex = (user: ScimUser): void => {
    for (const [map, key] of keysOf(user)) map.get(key)?.delete(user.id);
  };
  for (const user of options.users) index(structuredClone(user));

  /**
   * A user as the API answers it: through scimmy's User schema, with an absolute location.
   * Kept per user object (a PATCH stores a new object), since scimmy's schema pass costs
   * about a millisecond a user and a batched read answers fifty.
   */
  const rendered = new WeakMap<ScimUser, Record<string, unknown>>();
  const render = (user: ScimUser): Record<string, unknown> => {
    let out = rendered.get(user);
    if (!out) {
      const fresh = JSON.parse(JSON.stringify(new SCIMMY.Schemas.User(user, 'out'))) as Record<string, unknown> & {
        meta: Record<string, unknown>;
      };
      fresh.meta.location = `${baseUrl}/Users/${user.id}`;
      out = fresh;
      rendered.set(user, out);
    }
    return out;
  };

  const authed =
    (handler: (request: SimulatorRequest) => SimulatorResponse | Promise<SimulatorResponse>) =>
    async (request: SimulatorRequest): Promise<SimulatorResponse> => {
      const bearer = /^Bearer (.+)$/i.exec(request.headers.authorization ?? '');
      if (!bearer || bearer[1] !== bearerToken) {
        const response = scimError(401, 'Authorization failure. The authorization header is invalid or missing.');
        response.headers = { ...response.headers, 'WWW-Authenticate': 'Bearer realm="scim"' };
        return response;
      }
      try {
        return await handler(request);
      } catch (error) {
        return fromException(error);
      }
    };

  const readUser = (request: SimulatorRequest, id: string): SimulatorResponse => {
    const user = users.get(id);
    if (!user) return scimError(404, `Resource ${id} not found`);
    if (request.headers['if-none-match'] === user.meta.version) {
      return { status: 304, headers: { ETag: user.meta.version } };
    }
    return scim(200, render(user), { ETag: user.meta.version });
  };

  const listUsers = (request: SimulatorRequest): SimulatorResponse => {
    const params = request.url.searchParams;
    const startIndex = Math.max(1, integerParam(params.get('startIndex'), 1));
    // A negative count means 0 (RFC 7644 section 3.4.2.4); more than maxResults is capped.
    const count = Math.min(SCIM_MAX_RESULTS, Math.max(0, integerParam(params.get('count'), SCIM_MAX_RESULTS)));
    const filterText = params.get('filter');
    let matched: ScimUser[];
    if (filterText === null || filterText.trim() === '') {
      matched = [...users.values()];
    } else {
      const filter = parseScimFilter(filterText);
      const equalities = filter.indexedEqualities;
      let candidates: ScimUser[];
      if (equalities) {
        const ids = new Set<string>();
        for (const { attribute, value } of equalities) {
          if (attribute === 'id') {
            if (users.has(value)) ids.add(value);
          } else {
            const map = { userName: byUserName, 'emails.value': byEmail, 'phoneNumbers.value': byPhone, externalId: byExternalId }[attribute];
            for (const id of map.get(value) ?? []) ids.add(id);
          }
        }
        candidates = [...ids].map((id) => views.get(id) as ScimUser);
      } else candidates = [...views.values()];
      // The index only narrows; scimmy's matcher decides.
      matched = filter.match(candidates).map((view) => users.get(view.id) as ScimUser);
    }
    const page = matched.slice(startIndex - 1, startIndex - 1 + count);
    return scim(200, {
      schemas: [LIST_SCHEMA],
      totalResults: matched.length,
      itemsPerPage: page.length,
      startIndex,
      Resources: page.map(render),
    });
  };

  const patchUser = async (request: SimulatorRequest, id: string): Promise<SimulatorResponse> => {
    const user = users.get(id);
    if (!user) return scimError(404, `Resource ${id} not found`);
    const ifMatch = request.headers['if-match'];
    if (ifMatch !== undefined && ifMatch !== '*' && !ifMatch.split(',').map((tag) => tag.trim()).includes(user.meta.version)) {
      return scimError(412, `Failed to update: resource ${id} has changed (its version is not ${ifMatch})`);
    }
    let body: unknown;
    try {
      body = JSON.parse(request.body || 'null');
    } catch {
      return scimError(400, 'Request body is not valid JSON', 'invalidSyntax');
    }
    const { user: next, webhooks } = await applyPatch(user, body);
    return { ...scim(200, render(next), { ETag: next.meta.version }), write: { recordId: id, body }, webhooks };
  };

  /**
   * Applies a PatchOp body to a user (throwing scimmy's errors for a bad one); a change
   * stores a new user object with a new version and stamp, and makes its webhooks.
   */
  const applyPatch = async (user: ScimUser, body: unknown): Promise<{ user: ScimUser; webhooks: SimulatorResponse['webhooks'] }> => {
    const operation = new SCIMMY.Messages.PatchOp(entraBooleans(body) as ConstructorParameters<typeof SCIMMY.Messages.PatchOp>[0]);
    const patched = await operation.apply(new SCIMMY.Schemas.User(user, 'out'), async (instance) => {
      // Validate the result as an incoming resource (types, canonical values, required attributes).
      new SCIMMY.Schemas.User(instance, 'in');
      return instance;
    });
    if (!patched) return { user, webhooks: [] };
    const next = JSON.parse(JSON.stringify(patched)) as ScimUser;
    next.id = user.id;
    next.meta = {
      ...user.meta,
      lastModified: now().toISOString(),
      version: `W/"${randomBytes(8).toString('hex')}"`,
      location: user.meta.location,
    };
    if (!next.schemas.includes(CONSENT_EXTENSION_URN) && next[CONSENT_EXTENSION_URN]) next.schemas.push(CONSENT_EXTENSION_URN);
    const changedFields = changedAttributes(render(user), render(next));
    if (changedFields.length === 0) return { user, webhooks: [] };
    unindex(user);
    index(next);
    return { user: next, webhooks: standardWebhooks.messagesFor({ type: 'user.updated', id: next.id, changedFields, record: render(next) }) };
  };

  /** `POST /__admin/record-change`: a change made in the identity system's console. */
  const recordChange = async (request: SimulatorRequest): Promise<SimulatorResponse> => {
    try {
      let input: { id?: unknown; attributes?: unknown; Operations?: unknown };
      try {
        input = JSON.parse(request.body || '{}') as typeof input;
      } catch {
        return scimError(400, 'Request body is not valid JSON', 'invalidSyntax');
      }
      const user = typeof input?.id === 'string' ? users.get(input.id) : undefined;
      if (!user) return scimError(404, `Resource ${String(input?.id)} not found`);
      let Operations = input.Operations;
      if (Operations === undefined) {
        if (typeof input.attributes !== 'object' || input.attributes === null || Array.isArray(input.attributes)) {
          return scimError(400, 'record-change needs attributes (an object of path to value) or Operations', 'invalidSyntax');
        }
        Operations = Object.entries(input.attributes).map(([path, value]) => ({ op: 'replace', path, value }));
      }
      const { user: next, webhooks } = await applyPatch(user, { schemas: [PATCH_OP_SCHEMA], Operations });
      return { ...scim(200, render(next), { ETag: next.meta.version }), webhooks };
    } catch (error) {
      return fromException(error);
    }
  };

  const discovery = async (resource: 'Schema' | 'ResourceType' | 'ServiceProviderConfig', id?: string): Promise<SimulatorResponse> => {
    const Resource = SCIMMY.Resources[resource];
    const document = await (id === undefined ? new Resource() : new Resource(id)).read();
    return scim(200, JSON.parse(JSON.stringify(document)));
  };

  const route = (request: SimulatorRequest): RouteMatch | null => {
    const { method } = request;
    const path = request.url.pathname;
    if (!path.startsWith(`${BASE_PATH}/`)) return null;
    const rest = path.slice(BASE_PATH.length);
    if (rest === '/Users' && method === 'GET') return { label: 'users.list', handle: authed(listUsers) };
    const one = /^\/Users\/([^/]+)$/.exec(rest);
    if (one) {
      const id = decodeURIComponent(one[1] as string);
      if (method === 'GET') return { label: 'users.get', handle: authed((req) => readUser(req, id)) };
      if (method === 'PATCH') return { label: 'users.patch', handle: authed((req) => patchUser(req, id)) };
      return null;
    }
    if (method !== 'GET') return null;
    const schemas = /^\/Schemas(?:\/([^/]+))?$/.exec(rest);
    if (schemas) {
      return { label: 'schemas', handle: authed(() => discovery('Schema', schemas[1] && decodeURIComponent(schemas[1]))) };
    }
    const types = /^\/ResourceTypes(?:\/([^/]+))?$/.exec(rest);
    if (types) {
      return { label: 'resourceTypes', handle: authed(() => discovery('ResourceType', types[1] && decodeURIComponent(types[1]))) };
    }
    if (rest === '/ServiceProviderConfig') {
      return { label: 'serviceProviderConfig', handle: authed(() => discovery('ServiceProviderConfig')) };
    }
    return null;
  };

  const server = await startSimulatorServer({
    port: options.port,
    faults: options.faults,
    describe: (port) => {
      baseUrl = `http://127.0.0.1:${port}${BASE_PATH}`;
      return { name: system, dialect: 'scim', baseUrl, credentials: { bearerToken } };
    },
    route,
    notFound: (request) => scimError(404, `No endpoint ${request.method} ${request.url.pathname}`),
    faultResponse: (status, kind) =>
      kind === 'rate-limit'
        ? scimError(429, 'Too many requests: slow down and retry after the time in Retry-After')
        : scimError(status, 'The service is temporarily unavailable'),
    admin: { 'POST /__admin/record-change': recordChange, ...standardWebhooks.admin },
    webhookDelivery: options.webhooks,
  });

  return Object.assign(server, { getUser: (id: string) => users.get(id) });
}

function scim(status: number, body: unknown, headers: Record<string, string> = {}): SimulatorResponse {
  return { status, headers: { 'Content-Type': CONTENT_TYPE, ...headers }, body };
}

/** The SCIM error document; `status` is a string (RFC 7644 section 3.12). */
function scimError(status: number, detail: string, scimType?: string): SimulatorResponse {
  return scim(status, { schemas: [ERROR_SCHEMA], status: String(status), ...(scimType ? { scimType } : {}), detail });
}

/** Maps scimmy's exceptions (SCIMError carries status and scimType) and ours to SCIM errors. */
function fromException(error: unknown): SimulatorResponse {
  if (error instanceof ScimFilterError) return scimError(400, error.message, 'invalidFilter');
  if (error instanceof SCIMMY.Types.Error) {
    const { status, scimType, message } = error as unknown as { status: number; scimType?: string; message: string };
    return scimError(status, message, scimType ?? undefined);
  }
  // scimmy reports schema violations (a wrong type, a non-canonical value) as TypeErrors.
  if (error instanceof TypeError) return scimError(400, error.message, 'invalidValue');
  throw error;
}

/**
 * Microsoft Entra sends `active` as the string "True"/"False" in PatchOp values; accept
 * it as the boolean it means, as services that work with Entra do.
 * https://learn.microsoft.com/en-us/entra/identity/app-provisioning/application-provisioning-config-problem-scim-compatibility
 */
function entraBooleans(body: unknown): unknown {
  if (typeof body !== 'object' || body === null || !Array.isArray((body as { Operations?: unknown }).Operations)) return body;
  const asBoolean = (value: unknown): unknown =>
    typeof value === 'string' && /^(true|false)$/i.test(value) ? value.toLowerCase() === 'true' : value;
  const Operations = (body as { Operations: unknown[] }).Operations.map((operation) => {
    if (typeof operation !== 'object' || operation === null) return operation;
    const { path, value } = operation as { path?: unknown; value?: unknown };
    if (typeof path === 'string' && path.toLowerCase() === 'active') return { ...operation, value: asBoolean(value) };
    if (path === undefined && typeof value === 'object' && value !== null && 'active' in value) {
      return { ...operation, value: { ...value, active: asBoolean((value as { active: unknown }).active) } };
    }
    return operation;
  });
  return { ...body, Operations };
}

function integerParam(value: string | null, fallback: number): number {
  if (value === null || value.trim() === '') return fallback;
  const n = Number(value);
  return Number.isInteger(n) ? n : fallback;
}
