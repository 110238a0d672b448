import { randomBytes, randomUUID } from 'node:crypto';
import type { FaultConfig } from '../simulator';
import type { MailchimpMember, MailchimpStatus } from '../population/vendor-records';
import {
  MAILCHIMP_AUDIENCE_NAME,
  MAILCHIMP_INTEREST_CATEGORIES,
  MAILCHIMP_INTERESTS,
  MAILCHIMP_PERMISSIONS,
} from '../population/reference-data';
import {
  startSimulatorServer,
  type RouteMatch,
  type SimulatorRequest,
  type SimulatorResponse,
  type SimulatorServer,
} from '../http/simulator-server';
import { selectFields } from '../http/select-fields';
import type { WebhookDeliveryOptions } from '../http/webhook-sender';
import {
  newWebhookId,
  parseWebhookRegistration,
  snapshotMember,
  webhookMessages,
  type FieldError,
  type MailchimpWebhook,
  type MailchimpWebhookSource,
} from './mailchimp-webhooks';
import { subscriberHash } from './subscriber-hash';

/**
 * A contract simulator of the Mailchimp Marketing API v3 subset the adapter uses:
 *
 * - HTTP Basic auth, any user name, the API key as password; the key's `-us1` suffix is
 *   the data centre: https://mailchimp.com/developer/marketing/docs/fundamentals/#api-structure
 * - `GET /3.0/ping`: https://mailchimp.com/developer/marketing/api/ping/
 * - List members (get, list with `count` max 1,000 / `offset` / `since_last_changed` /
 *   `status`, PATCH update, PUT add-or-update), by subscriber hash (MD5 of the lower-cased
 *   email) or by the email itself; every write sets `last_changed`, and
 *   `since_last_changed` finds members changed at or after the given time:
 *   https://mailchimp.com/developer/marketing/api/list-members/
 * - Audience webhooks, `POST / GET /lists/{list_id}/webhooks`, `GET / DELETE
 *   .../webhooks/{webhook_id}`, with the GET check of the URL before one is saved; a member
 *   change POSTs Mailchimp's form-encoded events to each webhook that hears that event
 *   from that source (API writes are source `api`): see mailchimp-webhooks.ts.
 *   https://mailchimp.com/developer/marketing/api/list-webhooks/
 *   https://mailchimp.com/developer/marketing/guides/sync-audience-data-webhooks/
 * - The audience (`GET /lists/{list_id}`), its interest categories ("group titles", `GET
 *   /lists/{list_id}/interest-categories`) and their interests ("group names", `GET
 *   .../interest-categories/{interest_category_id}/interests`), paged by `count` (max
 *   1,000) and `offset`: https://mailchimp.com/developer/marketing/api/lists/get-list-info/
 *   https://mailchimp.com/developer/marketing/api/interest-categories/list-interest-categories/
 *   https://mailchimp.com/developer/marketing/api/interests/list-interests-in-category/
 * - Partial responses, `fields` / `exclude_fields`:
 *   https://mailchimp.com/developer/marketing/docs/methods-parameters/#partial-responses
 * - Errors as `application/problem+json` `{type, title, status, detail, instance}`, plus
 *   `errors[{field, message}]` on validation: https://mailchimp.com/developer/marketing/docs/errors/
 * - At most 10 simultaneous connections per API key; the next gets a 429:
 *   https://mailchimp.com/developer/marketing/docs/fundamentals/#api-limits
 *
 * Admin (not part of the vendor API): `POST /__admin/faults`, `GET /__admin/requests`,
 * `POST /__admin/reset-counters`, `GET /__admin/writes` (the member PATCHes and PUTs
 * received), `GET /__admin/webhook-deliveries`, and `POST /__admin/member-change`
 * `{email | subscriber_hash, status?, merge_fields?, interests?, marketing_permissions?,
 * new_email?}`: a change the subscriber makes (preferences page, unsubscribe link), so
 * webhook source `user`, validated as a PATCH is and not listed in `/__admin/writes`;
 * 200 with the member as the API's GET answers it.
 */

/** Options of the Mailchimp simulator. */
export interface MailchimpSimulatorOptions {
  /** Port on 127.0.0.1; 0 picks a free one. @default 0 */
  port?: number;
  /** The audience's members (copied; writes change the copies). */
  members: readonly MailchimpMember[];
  /** The API key; its suffix after `-` is the data centre. @default DEFAULT_MAILCHIMP_API_KEY */
  apiKey?: string;
  /** The audience (list) id. @default the first member's list_id, else 'a1b2c3d4e5' */
  listId?: string;
  /** The audience's name. @default MAILCHIMP_AUDIENCE_NAME */
  listName?: string;
  /** Requests one API key may have in flight at once; one more gets a 429. @default 10 */
  maxConnections?: number;
  /** Faults from the start. @default {} */
  faults?: FaultConfig;
  /** The system's name in the descriptor (`SYSTEMS`' `name`). @default 'mailchimp' */
  system?: string;
  /** Retry schedule and timeout of outgoing webhooks. @default see WebhookDeliveryOptions */
  webhooks?: WebhookDeliveryOptions;
  /** How long the GET check of a webhook URL may take before registration is refused, in ms. @default 5000 */
  webhookCheckTimeoutMs?: number;
}

/** A running Mailchimp simulator, with test access to its state. */
export interface MailchimpSimulator extends SimulatorServer {
  /** The member as the simulator now holds it, by subscriber hash or email. */
  getMember(hashOrEmail: string): MailchimpMember | undefined;
}

export const DEFAULT_MAILCHIMP_API_KEY = '0123456789abcdef0123456789abcdef-us1';

const ERROR_DOCS = 'https://mailchimp.com/developer/marketing/docs/errors/';
const MAX_COUNT = 1000;
const STATUSES: readonly MailchimpStatus[] = ['subscribed', 'unsubscribed', 'cleaned', 'pending', 'transactional'];
const MERGE_TAGS = new Set(['FNAME', 'LNAME', 'PHONE', 'ADDRESS', 'BIRTHDAY']);
const KNOWN_INTERESTS = new Set(MAILCHIMP_INTERESTS.map((interest) => interest.id));

/** Starts the Mailchimp simulator on loopback. */
export async function startMailchimpSimulator(options: MailchimpSimulatorOptions): Promise<MailchimpSimulator> {
  const {
    members: initialMembers,
    apiKey = DEFAULT_MAILCHIMP_API_KEY,
    listId = initialMembers[0]?.list_id ?? 'a1b2c3d4e5',
    listName = MAILCHIMP_AUDIENCE_NAME,
    maxConnections = 10,
    system = 'mailchimp',
    webhookCheckTimeoutMs = 5000,
  } = options;
  if (!/-[a-z]+\d+$/.test(apiKey)) throw new TypeError(`apiKey must end in a data centre suffix such as -us1`);
  const members = new Map<string, MailchimpMember>();
  for (const member of initialMembers) members.set(member.id, copyMember(member));
  const inFlightByKey = new Map<string, number>();
  const webhooks = new Map<string, MailchimpWebhook>();
  let baseUrl = '';

  const keyOf = (request: SimulatorRequest): string | null => {
    const basic = /^Basic (.+)$/i.exec(request.headers.authorization ?? '');
    if (!basic) return null;
    const decoded = Buffer.from(basic[1] as string, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return colon < 0 ? null : decoded.slice(colon + 1);
  };

  /** Wraps a handler with the API key check. */
  const authed =
    <R extends SimulatorResponse | Promise<SimulatorResponse>>(handler: (request: SimulatorRequest) => R) =>
    (request: SimulatorRequest): SimulatorResponse | R => {
      if (keyOf(request) !== apiKey) {
        return problem(401, 'API Key Invalid', "Your API key may be invalid, or you've attempted to access the wrong datacenter.");
      }
      return handler(request);
    };

  const memberView = (member: MailchimpMember): Record<string, unknown> => ({
    ...member,
    _links: [
      { rel: 'self', href: `${baseUrl}/lists/${listId}/members/${member.id}`, method: 'GET' },
      { rel: 'parent', href: `${baseUrl}/lists/${listId}/members`, method: 'GET' },
      { rel: 'update', href: `${baseUrl}/lists/${listId}/members/${member.id}`, method: 'PATCH' },
      { rel: 'upsert', href: `${baseUrl}/lists/${listId}/members/${member.id}`, method: 'PUT' },
    ],
  });

  const partial = (request: SimulatorRequest, body: unknown): SimulatorResponse => {
    const split = (name: string): string[] | null => request.url.searchParams.get(name)?.split(',').filter(Boolean) ?? null;
    return json(200, selectFields(body, split('fields'), split('exclude_fields')));
  };

  const getMember = (request: SimulatorRequest, hash: string): SimulatorResponse => {
    const member = members.get(hash);
    if (!member) return notFound();
    return partial(request, memberView(member));
  };

  const listMembers = (request: SimulatorRequest): SimulatorResponse => {
    const params = request.url.searchParams;
    const errors: { field: string; message: string }[] = [];
    const count = intParam(params.get('count'), 10);
    const offset = intParam(params.get('offset'), 0);
    if (count === null || count < 0 || count > MAX_COUNT) {
      errors.push({ field: 'count', message: `count must be an integer from 0 to ${MAX_COUNT}` });
    }
    if (offset === null || offset < 0) errors.push({ field: 'offset', message: 'offset must be a non-negative integer' });
    const status = params.get('status');
    if (status !== null && !STATUSES.includes(status as MailchimpStatus) && status !== 'archived') {
      errors.push({ field: 'status', message: `Value must be one of: ${STATUSES.join(', ')}, archived` });
    }
    const since = params.get('since_last_changed');
    const sinceMs = since === null ? null : Date.parse(since);
    if (sinceMs !== null && Number.isNaN(sinceMs)) {
      errors.push({ field: 'since_last_changed', message: 'since_last_changed must be an ISO 8601 time' });
    }
    const sortField = params.get('sort_field');
    if (sortField !== null && !['last_changed', 'timestamp_opt', 'timestamp_signup'].includes(sortField)) {
      errors.push({ field: 'sort_field', message: 'Value must be one of: timestamp_opt, timestamp_signup, last_changed' });
    }
    if (errors.length > 0) return validationProblem(errors);

    let matched = [...members.values()].filter(
      (member) =>
        (status === null || member.status === status) &&
        // Inclusive, so a change made in the same second as the cursor is not lost.
        (sinceMs === null || Date.parse(member.last_changed) >= sinceMs),
    );
    if (sortField) {
      const field = sortField as 'last_changed' | 'timestamp_opt' | 'timestamp_signup';
      const direction = params.get('sort_dir')?.toUpperCase() === 'DESC' ? -1 : 1;
      matched = matched.sort(
        (a, b) => direction * (Date.parse(a[field] || '0') - Date.parse(b[field] || '0') || a.id.localeCompare(b.id)),
      );
    }
    const page = matched.slice(offset as number, (offset as number) + (count as number));
    return partial(request, {
      members: page.map(memberView),
      list_id: listId,
      total_items: matched.length,
      _links: [{ rel: 'self', href: `${baseUrl}/lists/${listId}/members`, method: 'GET' }],
    });
  };

  /** `count` (default 10, at most 1,000) and `offset` of a collection, or the validation problem. */
  const paging = (request: SimulatorRequest): { count: number; offset: number } | SimulatorResponse => {
    const count = intParam(request.url.searchParams.get('count'), 10);
    const offset = intParam(request.url.searchParams.get('offset'), 0);
    const errors: { field: string; message: string }[] = [];
    if (count === null || count < 0 || count > MAX_COUNT) errors.push({ field: 'count', message: `count must be an integer from 0 to ${MAX_COUNT}` });
    if (offset === null || offset < 0) errors.push({ field: 'offset', message: 'offset must be a non-negative integer' });
    return errors.length > 0 ? validationProblem(errors) : { count: count as number, offset: offset as number };
  };

  const listInfo = (request: SimulatorRequest): SimulatorResponse =>
    partial(request, {
      id: listId,
      web_id: 100_001,
      name: listName,
      permission_reminder: 'You signed up on our website or in a store.',
      use_archive_bar: true,
      email_type_option: false,
      visibility: 'prv',
      double_optin: true,
      marketing_permissions: true,
      stats: { member_count: [...members.values()].filter((member) => member.status === 'subscribed').length },
      _links: [{ rel: 'self', href: `${baseUrl}/lists/${listId}`, method: 'GET' }],
    });

  const listCategories = (request: SimulatorRequest): SimulatorResponse => {
    const page = paging(request);
    if ('status' in page) return page;
    return partial(request, {
      list_id: listId,
      categories: MAILCHIMP_INTEREST_CATEGORIES.slice(page.offset, page.offset + page.count).map((category, index) => ({
        list_id: listId,
        id: category.id,
        title: category.title,
        display_order: page.offset + index,
        type: category.type,
        _links: [{ rel: 'self', href: `${baseUrl}/lists/${listId}/interest-categories/${category.id}`, method: 'GET' }],
      })),
      total_items: MAILCHIMP_INTEREST_CATEGORIES.length,
      _links: [{ rel: 'self', href: `${baseUrl}/lists/${listId}/interest-categories`, method: 'GET' }],
    });
  };

  const listInterests = (request: SimulatorRequest, categoryId: string): SimulatorResponse => {
    if (!MAILCHIMP_INTEREST_CATEGORIES.some((category) => category.id === categoryId)) return notFound();
    const page = paging(request);
    if ('status' in page) return page;
    const inCategory = MAILCHIMP_INTERESTS.filter((interest) => interest.categoryId === categoryId);
    return partial(request, {
      interests: inCategory.slice(page.offset, page.offset + page.count).map((interest, index) => ({
        category_id: categoryId,
        list_id: listId,
        id: interest.id,
        name: interest.name,
        // A string in Mailchimp's answers, not a number.
        subscriber_count: String([...members.values()].filter((member) => member.interests[interest.id]).length),
        display_order: page.offset + index,
        _links: [{ rel: 'self', href: `${baseUrl}/lists/${listId}/interest-categories/${categoryId}/interests/${interest.id}`, method: 'GET' }],
      })),
      list_id: listId,
      category_id: categoryId,
      total_items: inCategory.length,
      _links: [{ rel: 'self', href: `${baseUrl}/lists/${listId}/interest-categories/${categoryId}/interests`, method: 'GET' }],
    });
  };

  const writeMember = (request: SimulatorRequest, hash: string, upsert: boolean): SimulatorResponse => {
    let body: unknown;
    try {
      body = JSON.parse(request.body || 'null');
    } catch {
      return problem(400, 'JSON Parse Exception', "We encountered an unspecified JSON parsing error.");
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      return problem(400, 'Invalid Resource', 'The request body must be a JSON object.');
    }
    const input = body as Record<string, unknown>;
    const errors: FieldError[] = [];
    let member = members.get(hash);
    if (!member && !upsert) return notFound();

    if (input.email_address !== undefined) {
      if (!isEmail(input.email_address)) {
        errors.push({ field: 'email_address', message: 'This value should be a valid email address.' });
      } else if (subscriberHash(input.email_address) !== hash) {
        // The simulator does not move a member to a new address; the hash must match.
        errors.push({ field: 'email_address', message: 'The email address does not match the subscriber hash in the URL.' });
      }
    } else if (!member) {
      errors.push({ field: 'email_address', message: 'This value should not be blank.' });
    }
    const statusIfNew = input.status_if_new;
    if (statusIfNew !== undefined && !STATUSES.includes(statusIfNew as MailchimpStatus)) {
      errors.push({ field: 'status_if_new', message: `Value must be one of: ${STATUSES.join(', ')}` });
    }
    if (!member && statusIfNew === undefined && input.status === undefined) {
      errors.push({ field: 'status_if_new', message: 'This value should not be blank.' });
    }
    validateMemberFields(input, errors);
    if (errors.length > 0) return validationProblem(errors);

    const before = snapshotMember(member);
    const now = mailchimpNow();
    if (!member) {
      member = newMember(String(input.email_address).trim(), listId, now);
      members.set(member.id, member);
      member.status = (statusIfNew ?? input.status) as MailchimpStatus;
      // A new member takes status_if_new over status (PUT's add-or-update).
      applyMemberFields(member, { ...input, status: undefined }, now);
    } else applyMemberFields(member, input, now);
    return { ...partial(request, memberView(member)), write: { recordId: member.id, body }, webhooks: messages(before, member, 'api') };
  };

  /** `POST /__admin/member-change`: what the subscriber does (preferences page, unsubscribe link). */
  const memberChange = (request: SimulatorRequest): SimulatorResponse => {
    let input: Record<string, unknown>;
    try {
      input = JSON.parse(request.body || '{}') as Record<string, unknown>;
    } catch {
      return problem(400, 'JSON Parse Exception', 'We encountered an unspecified JSON parsing error.');
    }
    if (typeof input !== 'object' || input === null || Array.isArray(input)) {
      return problem(400, 'Invalid Resource', 'The request body must be a JSON object.');
    }
    const hash =
      typeof input.subscriber_hash === 'string' ? input.subscriber_hash.toLowerCase() : typeof input.email === 'string' ? subscriberHash(input.email) : null;
    const member = hash ? members.get(hash) : undefined;
    if (!member) return notFound();
    const errors: FieldError[] = [];
    const newEmail = input.new_email;
    if (newEmail !== undefined) {
      if (!isEmail(newEmail)) errors.push({ field: 'new_email', message: 'This value should be a valid email address.' });
      else if (subscriberHash(newEmail) !== member.id && members.has(subscriberHash(newEmail))) {
        errors.push({ field: 'new_email', message: `${newEmail.trim()} is already a list member.` });
      }
    }
    validateMemberFields(input, errors);
    if (errors.length > 0) return validationProblem(errors);

    const before = snapshotMember(member);
    if (typeof newEmail === 'string' && subscriberHash(newEmail) !== member.id) {
      members.delete(member.id);
      member.email_address = newEmail.trim();
      member.id = subscriberHash(newEmail);
      members.set(member.id, member);
    }
    applyMemberFields(member, input, mailchimpNow());
    return { ...json(200, memberView(member)), webhooks: messages(before, member, 'user') };
  };

  /** Checks `status`, `merge_fields`, `interests` and `marketing_permissions` as Mailchimp does. */
  const validateMemberFields = (input: Record<string, unknown>, errors: FieldError[]): void => {
    if (input.status !== undefined && !STATUSES.includes(input.status as MailchimpStatus)) {
      errors.push({ field: 'status', message: `Value must be one of: ${STATUSES.join(', ')}` });
    }
    const mergeFields = input.merge_fields;
    if (mergeFields !== undefined) {
      if (typeof mergeFields !== 'object' || mergeFields === null || Array.isArray(mergeFields)) {
        errors.push({ field: 'merge_fields', message: 'merge_fields must be an object' });
      } else {
        for (const tag of Object.keys(mergeFields)) {
          if (!MERGE_TAGS.has(tag)) errors.push({ field: `merge_fields.${tag}`, message: `Merge field ${tag} does not exist.` });
        }
      }
    }
    const interests = input.interests;
    if (interests !== undefined) {
      if (typeof interests !== 'object' || interests === null || Array.isArray(interests)) {
        errors.push({ field: 'interests', message: 'interests must be an object of interest id to boolean' });
      } else {
        for (const [id, value] of Object.entries(interests)) {
          if (!KNOWN_INTERESTS.has(id)) errors.push({ field: 'interests', message: `Invalid interest ID: '${id}'` });
          else if (typeof value !== 'boolean') errors.push({ field: `interests.${id}`, message: 'must be a boolean' });
        }
      }
    }
    const permissions = input.marketing_permissions;
    if (permissions !== undefined) {
      if (!Array.isArray(permissions)) {
        errors.push({ field: 'marketing_permissions', message: 'marketing_permissions must be an array' });
      } else {
        for (const permission of permissions as { marketing_permission_id?: unknown; enabled?: unknown }[]) {
          if (!MAILCHIMP_PERMISSIONS.some((known) => known.id === permission?.marketing_permission_id)) {
            errors.push({ field: 'marketing_permissions', message: `Invalid marketing permission ID: '${String(permission?.marketing_permission_id)}'` });
          } else if (typeof permission.enabled !== 'boolean') {
            errors.push({ field: 'marketing_permissions.enabled', message: 'enabled must be a boolean' });
          }
        }
      }
    }
  };

  /** Applies checked fields and stamps `last_changed` (every write stamps it, even one that changes nothing). */
  const applyMemberFields = (member: MailchimpMember, input: Record<string, unknown>, now: string): void => {
    if (input.status !== undefined) member.status = input.status as MailchimpStatus;
    if (input.merge_fields) Object.assign(member.merge_fields, input.merge_fields);
    if (input.interests) Object.assign(member.interests, input.interests);
    if (Array.isArray(input.marketing_permissions)) {
      for (const change of input.marketing_permissions as { marketing_permission_id: string; enabled: boolean }[]) {
        const held = member.marketing_permissions.find((p) => p.marketing_permission_id === change.marketing_permission_id);
        if (held) held.enabled = change.enabled;
      }
    }
    if (typeof input.language === 'string') member.language = input.language;
    if (typeof input.vip === 'boolean') member.vip = input.vip;
    member.last_changed = now;
  };

  const messages = (before: ReturnType<typeof snapshotMember>, member: MailchimpMember, source: MailchimpWebhookSource) =>
    webhookMessages(webhooks.values(), before, member, source);

  const webhookView = (webhook: MailchimpWebhook): Record<string, unknown> => ({
    ...webhook,
    _links: [
      { rel: 'self', href: `${baseUrl}/lists/${listId}/webhooks/${webhook.id}`, method: 'GET' },
      { rel: 'parent', href: `${baseUrl}/lists/${listId}/webhooks`, method: 'GET' },
      { rel: 'update', href: `${baseUrl}/lists/${listId}/webhooks/${webhook.id}`, method: 'PATCH' },
      { rel: 'delete', href: `${baseUrl}/lists/${listId}/webhooks/${webhook.id}`, method: 'DELETE' },
    ],
  });

  /** `POST /lists/{list_id}/webhooks`: validated, then saved only if a GET of the URL answers 200. */
  const createWebhook = async (request: SimulatorRequest): Promise<SimulatorResponse> => {
    let body: unknown;
    try {
      body = JSON.parse(request.body || 'null');
    } catch {
      return problem(400, 'JSON Parse Exception', 'We encountered an unspecified JSON parsing error.');
    }
    const parsed = parseWebhookRegistration(body, listId);
    if (Array.isArray(parsed)) return validationProblem(parsed);
    if ([...webhooks.values()].some((webhook) => webhook.url === parsed.url)) {
      return problem(400, 'Invalid Resource', 'A webhook with this URL already exists on this audience.');
    }
    const status = await checkUrl(parsed.url);
    if (status !== 200) {
      return problem(400, 'Invalid Resource', `We couldn't verify the URL is working. Please double check and try again. HTTP Code: ${status}`);
    }
    const webhook = { id: newWebhookId(), ...parsed };
    webhooks.set(webhook.id, webhook);
    return json(200, webhookView(webhook));
  };

  /** The status of a GET of the URL, 0 when it could not be reached in time. */
  const checkUrl = async (url: string): Promise<number> => {
    try {
      const response = await fetch(url, { headers: { 'user-agent': 'MailChimp' }, redirect: 'manual', signal: AbortSignal.timeout(webhookCheckTimeoutMs) });
      await response.arrayBuffer().catch(() => undefined);
      return response.status;
    } catch {
      return 0;
    }
  };

  const listWebhooks = (request: SimulatorRequest): SimulatorResponse =>
    partial(request, {
      webhooks: [...webhooks.values()].map(webhookView),
      list_id: listId,
      total_items: webhooks.size,
      _links: [{ rel: 'self', href: `${baseUrl}/lists/${listId}/webhooks`, method: 'GET' }],
    });

  const route = (request: SimulatorRequest): RouteMatch | null => {
    const { method } = request;
    const path = request.url.pathname;
    if (path === '/3.0/ping' || path === '/3.0/ping/') {
      return method === 'GET' ? { label: 'ping', handle: authed(() => json(200, { health_status: "Everything's Chimpy!" })) } : null;
    }
    const audience = /^\/3\.0\/lists\/([^/]+)\/?$/.exec(path);
    if (audience && method === 'GET') {
      return { label: 'list.get', handle: authed((req) => (audience[1] === listId ? listInfo(req) : notFound())) };
    }
    const categories = /^\/3\.0\/lists\/([^/]+)\/interest-categories\/?$/.exec(path);
    if (categories && method === 'GET') {
      return { label: 'interest-categories.list', handle: authed((req) => (categories[1] === listId ? listCategories(req) : notFound())) };
    }
    const interests = /^\/3\.0\/lists\/([^/]+)\/interest-categories\/([^/]+)\/interests\/?$/.exec(path);
    if (interests && method === 'GET') {
      return {
        label: 'interests.list',
        handle: authed((req) => (interests[1] === listId ? listInterests(req, decodeURIComponent(interests[2] as string)) : notFound())),
      };
    }
    const list = /^\/3\.0\/lists\/([^/]+)\/members\/?$/.exec(path);
    if (list && method === 'GET') {
      return { label: 'members.list', handle: authed((req) => (list[1] === listId ? listMembers(req) : notFound())) };
    }
    const hooks = /^\/3\.0\/lists\/([^/]+)\/webhooks\/?$/.exec(path);
    if (hooks && method === 'GET') return { label: 'webhooks.list', handle: authed((req) => (hooks[1] === listId ? listWebhooks(req) : notFound())) };
    if (hooks && method === 'POST') {
      return { label: 'webhooks.create', handle: authed(async (req) => (hooks[1] === listId ? createWebhook(req) : notFound())) };
    }
    const hook = /^\/3\.0\/lists\/([^/]+)\/webhooks\/([^/]+)$/.exec(path);
    if (hook) {
      const found = (): MailchimpWebhook | undefined => (hook[1] === listId ? webhooks.get(decodeURIComponent(hook[2] as string)) : undefined);
      if (method === 'GET') {
        return { label: 'webhooks.get', handle: authed((req) => { const webhook = found(); return webhook ? partial(req, webhookView(webhook)) : notFound(); }) };
      }
      if (method === 'DELETE') {
        return { label: 'webhooks.delete', handle: authed(() => { const webhook = found(); return webhook && webhooks.delete(webhook.id) ? { status: 204 } : notFound(); }) };
      }
      return null;
    }
    const one = /^\/3\.0\/lists\/([^/]+)\/members\/([^/]+)$/.exec(path);
    if (!one) return null;
    const handleOne = (handler: (req: SimulatorRequest, hash: string) => SimulatorResponse) =>
      authed((req) => (one[1] === listId ? handler(req, toHash(one[2] as string)) : notFound()));
    if (method === 'GET') return { label: 'member.get', handle: handleOne(getMember) };
    if (method === 'PATCH') return { label: 'member.update', handle: handleOne((req, hash) => writeMember(req, hash, false)) };
    if (method === 'PUT') return { label: 'member.upsert', handle: handleOne((req, hash) => writeMember(req, hash, true)) };
    return null;
  };

  const server = await startSimulatorServer({
    port: options.port,
    faults: options.faults,
    describe: (port) => {
      baseUrl = `http://127.0.0.1:${port}/3.0`;
      return { name: system, dialect: 'mailchimp', baseUrl, credentials: { apiKey, listId } };
    },
    route,
    notFound: () => notFound(),
    faultResponse: (status, kind) =>
      kind === 'rate-limit'
        ? problem(429, 'Too Many Requests', 'You have exceeded the limit of 10 simultaneous connections.')
        : problem(status, status === 503 ? 'Service Unavailable' : 'Internal Server Error', 'An unexpected internal error has occurred. Please contact Support for more information.'),
    // Mailchimp limits simultaneous connections per API key, counted per request in flight.
    admit: (request) => {
      const key = keyOf(request) ?? '';
      const current = inFlightByKey.get(key) ?? 0;
      if (current >= maxConnections) {
        return { reject: problem(429, 'Too Many Requests', `You have exceeded the limit of ${maxConnections} simultaneous connections.`) };
      }
      inFlightByKey.set(key, current + 1);
      return {
        release: () => {
          const left = (inFlightByKey.get(key) ?? 1) - 1;
          if (left <= 0) inFlightByKey.delete(key);
          else inFlightByKey.set(key, left);
        },
      };
    },
    admin: { 'POST /__admin/member-change': memberChange },
    webhookDelivery: options.webhooks,
  });

  return Object.assign(server, {
    getMember: (hashOrEmail: string) => members.get(toHash(hashOrEmail)),
  });
}

/** The subscriber hash from a path segment, which may also be the email address itself. */
function toHash(segment: string): string {
  const decoded = decodeURIComponent(segment);
  return decoded.includes('@') ? subscriberHash(decoded) : decoded.toLowerCase();
}

/** Mailchimp's timestamp format, to the second: `2025-03-01T10:20:30+00:00`. */
function mailchimpNow(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, '+00:00');
}

function isEmail(value: unknown): value is string {
  return typeof value === 'string' && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value.trim());
}

function intParam(value: string | null, fallback: number): number | null {
  if (value === null || value === '') return fallback;
  return /^\d+$/.test(value) ? Number(value) : null;
}

function json(status: number, body: unknown): SimulatorResponse {
  return { status, headers: { 'Content-Type': 'application/json; charset=utf-8' }, body };
}

/** Mailchimp's error document (RFC 7807 problem details). */
function problem(status: number, title: string, detail: string, errors?: { field: string; message: string }[]): SimulatorResponse {
  return {
    status,
    headers: { 'Content-Type': 'application/problem+json; charset=utf-8' },
    body: { type: ERROR_DOCS, title, status, detail, instance: randomUUID(), ...(errors ? { errors } : {}) },
  };
}

function validationProblem(errors: FieldError[]): SimulatorResponse {
  return problem(400, 'Invalid Resource', "The resource submitted could not be validated. For field-specific details, see the 'errors' array.", errors);
}

function notFound(): SimulatorResponse {
  return problem(404, 'Resource Not Found', 'The requested resource could not be found.');
}

function copyMember(member: MailchimpMember): MailchimpMember {
  return {
    ...member,
    merge_fields: { ...member.merge_fields },
    interests: { ...member.interests },
    marketing_permissions: member.marketing_permissions.map((p) => ({ ...p })),
  };
}

function newMember(email: string, listId: string, now: string): MailchimpMember {
  return {
    id: subscriberHash(email),
    email_address: email,
    unique_email_id: randomBytes(5).toString('hex'),
    contact_id: randomBytes(16).toString('hex'),
    full_name: '',
    web_id: Math.floor(Math.random() * 1_000_000_000),
    email_type: 'html',
    status: 'pending',
    merge_fields: { FNAME: '', LNAME: '', PHONE: '', ADDRESS: '', BIRTHDAY: '' },
    interests: Object.fromEntries(MAILCHIMP_INTERESTS.map((interest) => [interest.id, false])),
    stats: { avg_open_rate: 0, avg_click_rate: 0 },
    timestamp_signup: '',
    timestamp_opt: now,
    member_rating: 2,
    last_changed: now,
    language: '',
    vip: false,
    marketing_permissions: MAILCHIMP_PERMISSIONS.map((p) => ({ marketing_permission_id: p.id, text: p.text, enabled: false })),
    source: 'API - Generic',
    tags_count: 0,
    tags: [],
    list_id: listId,
  };
}
