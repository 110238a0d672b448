import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { FaultConfig } from '../simulator';
import { startSimulatorServer, type SimulatorRequest, type SimulatorResponse, type SimulatorServer } from '../http/simulator-server';
import { createModificationClock } from '../http/modification-clock';
import type { OutgoingWebhook, WebhookDeliveryOptions } from '../http/webhook-sender';
import { SITE_CONSENT_STATEMENTS, SITE_SUBSCRIPTIONS, type SapCdcAccount } from './sapcdc-account';
import { AccountQueryError, parseAccountQuery, valuesAt } from './sapcdc-query';
import { gigyaHmac, requestBaseString } from './gigya-signature';

/**
 * A contract simulator of the SAP Customer Data Cloud (Gigya) accounts REST API subset the
 * adapter and the `gigya` npm package use, over real HTTP:
 *
 * - Every method is `POST /<namespace>.<method>` (as `https://accounts.<dc>.gigya.com/accounts.search`)
 *   with form parameters (query-string parameters are read too), `apiKey`, `format=json`, and
 *   credentials: `userKey` + `secret` (an application key and its secret), `secret` alone
 *   (the partner secret), or the signed variant `userKey` + `timestamp` + `nonce` + `sig`,
 *   HMAC-SHA1 of `POST&<url>&<sorted params>` with the base64-decoded secret (gigya-signature.ts),
 *   the URL either as the request addressed this server or as the data center's own
 *   `https://accounts.<dc>.gigya.com/...` (what a vendor SDK signs); `timestamp` in seconds
 *   (the `gigya` package sends milliseconds; both are taken) within 120 s, a nonce once:
 *   https://help.sap.com/docs/SAP_CUSTOMER_DATA_CLOUD/8b8d6fffe113457094a17701f63e3d6a/4143815a70b21014bbc5a10ce4041860.html
 * - Answers are HTTP 200 whatever happened, with Gigya's envelope `{callId, errorCode,
 *   apiVersion, statusCode, statusReason, time}` and, on an error, `errorMessage` and
 *   `errorDetails`; `errorCode` 0 is success: 400002 missing parameter, 400006 invalid
 *   parameter value, 400093 invalid API key, 403002 request expired, 403003 invalid request
 *   signature (a wrong secret too), 403004 duplicate nonce, 403005 unauthorized user (no
 *   account with that UID), 403048 rate limit, 500001 general server error:
 *   https://help.sap.com/docs/SAP_CUSTOMER_DATA_CLOUD/8b8d6fffe113457094a17701f63e3d6a/416d41b170b21014bbc5a10ce4041860.html
 * - `accounts.getAccountInfo` (`UID`, `include`: `profile`, `data`, `preferences`,
 *   `subscriptions`, `emails`, `loginIDs`; default `profile,data`):
 *   https://help.sap.com/docs/SAP_CUSTOMER_DATA_CLOUD/8b8d6fffe113457094a17701f63e3d6a/cab69a86edae49e2be93fd51b78fc35b.html
 * - `accounts.search` (`query`, see sapcdc-query.ts; `LIMIT` default 300, at most 10,000;
 *   `openCursor=true` answers the first batch and `nextCursorId`, then `cursorId` alone
 *   fetches each next batch, none on the last); `{results, objectsCount, totalCount}`:
 *   https://help.sap.com/docs/SAP_CUSTOMER_DATA_CLOUD/8b8d6fffe113457094a17701f63e3d6a/b32ce0918af44c3ebd7e96650fa6cc1d.html
 * - `accounts.setAccountInfo` (`UID`, JSON `profile`, `data`, `preferences`, `subscriptions`,
 *   merged into the account): a consent statement takes `isConsentGranted` (and optionally
 *   `docVersion`, `lang`, `entitlements`, `tags`), stamps `lastConsentModified`; an id the
 *   site's schema lacks is 400006. A subscription takes `email: {isSubscribed, tags?,
 *   doubleOptIn?: {isExternallyVerified?}}`: subscribing to one with a double opt-in
 *   policy is `Pending` until confirmed (`Confirmed` at once when externally verified),
 *   unsubscribing is `NotConfirmed`. A change stamps `lastUpdated`/`lastUpdatedTimestamp`:
 *   https://help.sap.com/docs/SAP_CUSTOMER_DATA_CLOUD/8b8d6fffe113457094a17701f63e3d6a/41398a8670b21014bbc5a10ce4041860.html
 *   https://help.sap.com/docs/SAP_CUSTOMER_DATA_CLOUD/8b8d6fffe113457094a17701f63e3d6a/eb86b2d7f1c24ab38f1f5bb0d3b7d31c.html (subscriptions)
 * - Webhooks: every change POSTs `{events: [{type, id, timestamp, callId, version, apiKey,
 *   data: {uid}}], nonce, timestamp}` (types `accountUpdated`, `subscriptionUpdated`,
 *   `consentUpdated`; times in seconds) to each registered URL, signed in
 *   `X-Gigya-Sig-Hmac-Sha1`: base64 HMAC-SHA1 of the raw body keyed with the base64-decoded
 *   partner secret (or the key the console chose), resent as is when not answered 2xx:
 *   https://help.sap.com/docs/SAP_CUSTOMER_DATA_CLOUD/8b8d6fffe113457094a17701f63e3d6a/41488fb470b21014bbc5a10ce4041860.html
 *
 * Not simulated: other namespaces and methods, `querySig`, RSA (bearer) keys, `GROUP BY`,
 * aggregates, lite accounts, the search index's delay (a write is searchable at once).
 *
 * Admin (not part of the vendor API): the shared ones (faults: an injected error is HTTP
 * 200 with 500001, an injected 429 is 403048), and:
 * - `POST /__admin/record-change` `{UID, profile?, data?, preferences?, subscriptions?}`: a
 *   change the person made on the site (applied as setAccountInfo is; not a write-back).
 * - `POST /__admin/webhooks` `{url, secret?}` (secret: base64 key to sign with, default the
 *   partner secret) -> 201 `{id, url}`; `GET /__admin/webhooks`; `DELETE /__admin/webhooks/{id}`.
 * - `POST /__admin/confirm-subscription` `{UID, subscription}`: the person clicks the
 *   double opt-in link.
 */

/** Options of the SAP Customer Data Cloud simulator. */
export interface SapCdcSimulatorOptions {
  /** Port on 127.0.0.1; 0 picks a free one. @default 0 */
  port?: number;
  /** The site's accounts (copied; writes change the copies). */
  accounts: readonly SapCdcAccount[];
  /** The site's API key. @default DEFAULT_SAPCDC_API_KEY */
  apiKey?: string;
  /** The application (server) key's user key. @default DEFAULT_SAPCDC_USER_KEY */
  userKey?: string;
  /** Its secret, base64. @default DEFAULT_SAPCDC_SECRET */
  secret?: string;
  /** The partner secret, base64. @default DEFAULT_SAPCDC_PARTNER_SECRET */
  partnerSecret?: string;
  /** The data center this simulator stands in for. @default 'us1' */
  dataCenter?: string;
  /** Faults from the start. @default {} */
  faults?: FaultConfig;
  /** The system's name in the descriptor. @default 'sapcdc' */
  system?: string;
  /** Retry schedule and timeout of outgoing webhooks. @default see WebhookDeliveryOptions */
  webhooks?: WebhookDeliveryOptions;
}

/** A running SAP Customer Data Cloud simulator, with test access to its state. */
export interface SapCdcSimulator extends SimulatorServer {
  /** The account as the simulator now holds it. */
  getAccount(uid: string): SapCdcAccount | undefined;
}

export const DEFAULT_SAPCDC_API_KEY = '4_simulatorSiteKey-cdcGatewayDemo';
export const DEFAULT_SAPCDC_USER_KEY = 'AGatewayAppKey01';
export const DEFAULT_SAPCDC_SECRET = 'c2ltdWxhdG9yLWFwcGxpY2F0aW9uLWtleS1zZWNyZXQh';
export const DEFAULT_SAPCDC_PARTNER_SECRET = 'c2ltdWxhdG9yLXBhcnRuZXItc2VjcmV0LWtleS12YWx1ZQ==';

const DEFAULT_LIMIT = 300;
const MAX_LIMIT = 10_000;
const SIGNATURE_WINDOW_S = 120;
const INCLUDES = new Set(['profile', 'data', 'preferences', 'subscriptions', 'emails', 'loginIDs', 'identities', 'irank', 'regSource', 'lastLoginLocation', 'rba']);
const STATUS: Record<number, string> = { 200: 'OK', 400: 'Bad Request', 403: 'Forbidden', 409: 'Conflict', 500: 'Internal Server Error' };
const MESSAGES: Record<number, string> = {
  400002: 'Missing required parameter',
  400006: 'Invalid parameter value',
  400093: 'Invalid ApiKey parameter',
  403002: 'Request has expired',
  403003: 'Invalid request signature',
  403004: 'Duplicate nonce',
  403005: 'Unauthorized user',
  403048: 'Rate limit exceeded',
  500001: 'General Server Error',
};

/** A Gigya error, answered in the envelope with HTTP 200. */
class GigyaError extends Error {
  constructor(
    readonly code: number,
    readonly details: string,
  ) {
    super(details);
  }
}

/** Starts the SAP Customer Data Cloud simulator on loopback. */
export async function startSapCdcSimulator(options: SapCdcSimulatorOptions): Promise<SapCdcSimulator> {
  const {
    apiKey = DEFAULT_SAPCDC_API_KEY,
    userKey = DEFAULT_SAPCDC_USER_KEY,
    secret = DEFAULT_SAPCDC_SECRET,
    partnerSecret = DEFAULT_SAPCDC_PARTNER_SECRET,
    dataCenter = 'us1',
    system = 'sapcdc',
  } = options;
  const accounts = new Map<string, SapCdcAccount>();
  for (const account of options.accounts) accounts.set(account.UID, structuredClone(account));
  const cursors = new Map<string, { uids: string[]; offset: number; size: number; fields: string[] | null }>();
  const nonces = new Set<string>();
  const receivers = new Map<string, { url: string; key: string }>();
  const now = createModificationClock();

  /** Checks the credentials; throws a GigyaError. */
  const authenticate = (request: SimulatorRequest, params: Map<string, string>, method: string): void => {
    if (params.get('apiKey') !== apiKey) throw new GigyaError(400093, params.has('apiKey') ? 'Invalid ApiKey parameter' : 'Missing required parameter: apiKey');
    const givenUserKey = params.get('userKey');
    if (params.has('sig')) {
      const key = givenUserKey === undefined ? partnerSecret : givenUserKey === userKey ? secret : undefined;
      if (key === undefined) throw new GigyaError(403003, 'Invalid request signature: unknown userKey');
      const timestamp = Number(params.get('timestamp'));
      const seconds = timestamp > 1e11 ? timestamp / 1000 : timestamp;
      if (!Number.isFinite(seconds) || Math.abs(Date.now() / 1000 - seconds) > SIGNATURE_WINDOW_S) throw new GigyaError(403002, 'Request has expired');
      const nonce = params.get('nonce');
      if (!nonce) throw new GigyaError(400002, 'Missing required parameter: nonce');
      const urls = [`https://${String(request.headers.host ?? '').toLowerCase()}/${method}`, `http://${String(request.headers.host ?? '').toLowerCase()}/${method}`, `https://accounts.${dataCenter}.gigya.com/${method}`];
      const valid = urls.some((url) => same(gigyaHmac(key, requestBaseString('POST', url, params)), params.get('sig')!));
      if (!valid) throw new GigyaError(403003, 'Invalid request signature');
      if (nonces.has(nonce)) throw new GigyaError(403004, 'Duplicate nonce');
      nonces.add(nonce);
      return;
    }
    const given = params.get('secret');
    if (given === undefined) throw new GigyaError(400002, 'Missing required parameter: secret');
    const expected = givenUserKey === undefined ? partnerSecret : givenUserKey === userKey ? secret : undefined;
    if (expected === undefined || !same(expected, given)) throw new GigyaError(403003, 'Invalid request signature');
  };

  const existing = (uid: string | undefined): SapCdcAccount => {
    if (!uid) throw new GigyaError(400002, 'Missing required parameter: UID');
    const account = accounts.get(uid);
    if (!account) throw new GigyaError(403005, 'Unauthorized user');
    return account;
  };

  /** The account as getAccountInfo answers it: the top-level fields and the included objects. */
  const render = (account: SapCdcAccount, include: ReadonlySet<string>): Record<string, unknown> => {
    const { profile, data, preferences, subscriptions, emails, loginIDs, ...top } = structuredClone(account);
    return {
      ...top,
      ...(include.has('profile') && { profile }),
      ...(include.has('data') && { data }),
      ...(include.has('preferences') && { preferences }),
      ...(include.has('subscriptions') && { subscriptions }),
      ...(include.has('emails') && { emails }),
      ...(include.has('loginIDs') && { loginIDs }),
    };
  };

  /** A search result: every field for `*`, else the fields asked for (UID always). */
  const project = (account: SapCdcAccount, fields: string[] | null): Record<string, unknown> => {
    if (fields === null) return structuredClone(account) as unknown as Record<string, unknown>;
    const out: Record<string, unknown> = { UID: account.UID };
    for (const path of fields) {
      const parts = path.split('.');
      const found = valuesAt(account, path);
      if (found.length === 0) continue;
      let target = out;
      for (const part of parts.slice(0, -1)) target = (target[part] ??= {}) as Record<string, unknown>;
      const raw = parts.reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part], account);
      target[parts.at(-1)!] = structuredClone(raw);
    }
    return out;
  };

  const getAccountInfo = (params: Map<string, string>): Record<string, unknown> => {
    const account = existing(params.get('UID'));
    const include = new Set((params.get('include') ?? 'profile,data').split(',').map((part) => part.trim()).filter(Boolean));
    for (const part of include) if (!INCLUDES.has(part)) throw new GigyaError(400006, `Invalid parameter value: include (${part})`);
    return render(account, include);
  };

  const search = (params: Map<string, string>): Record<string, unknown> => {
    const cursorId = params.get('cursorId');
    if (cursorId !== undefined) {
      const cursor = cursors.get(cursorId);
      if (!cursor) throw new GigyaError(400006, 'Invalid parameter value: cursorId');
      return page(cursorId, cursor);
    }
    const text = params.get('query');
    if (!text) throw new GigyaError(400002, 'Missing required parameter: query');
    let query;
    try {
      query = parseAccountQuery(text);
    } catch (error) {
      if (error instanceof AccountQueryError) throw new GigyaError(400006, `Invalid parameter value: query (${error.message})`);
      throw error;
    }
    const limit = query.limit ?? DEFAULT_LIMIT;
    if (limit > MAX_LIMIT) throw new GigyaError(400006, `Invalid parameter value: LIMIT may be at most ${MAX_LIMIT}`);
    let rows = [...accounts.values()].filter((account) => query.where(account));
    if (query.orderBy) {
      const { field, descending } = query.orderBy;
      const key = (account: SapCdcAccount) => valuesAt(account, field)[0] as string | number | undefined;
      rows.sort((a, b) => {
        const [x, y] = [key(a), key(b)];
        const order = x === y ? 0 : x === undefined ? -1 : y === undefined ? 1 : x < y ? -1 : 1;
        return (descending ? -order : order) || (a.UID < b.UID ? -1 : 1);
      });
    }
    const totalCount = rows.length;
    if (params.get('openCursor') === 'true') {
      if (query.start > 0) throw new GigyaError(400006, 'Invalid parameter value: START cannot be used with openCursor');
      const id = randomBytes(24).toString('base64url');
      const cursor = { uids: rows.map((account) => account.UID), offset: 0, size: limit, fields: query.fields };
      cursors.set(id, cursor);
      return page(id, cursor);
    }
    rows = rows.slice(query.start, query.start + limit);
    return { results: rows.map((account) => project(account, query.fields)), objectsCount: rows.length, totalCount };
  };

  const page = (id: string, cursor: { uids: string[]; offset: number; size: number; fields: string[] | null }): Record<string, unknown> => {
    const uids = cursor.uids.slice(cursor.offset, cursor.offset + cursor.size);
    cursor.offset += uids.length;
    const results = uids.flatMap((uid) => (accounts.has(uid) ? [project(accounts.get(uid)!, cursor.fields)] : []));
    const more = cursor.offset < cursor.uids.length;
    if (!more) cursors.delete(id);
    return { results, objectsCount: results.length, totalCount: cursor.uids.length, ...(more && { nextCursorId: id }) };
  };

  /** Applies a change (setAccountInfo or the person's own); returns the webhook event types it causes. */
  const apply = (account: SapCdcAccount, params: Map<string, string>): string[] => {
    const json = (name: string): Record<string, unknown> | undefined => {
      const text = params.get(name);
      if (text === undefined) return undefined;
      try {
        const parsed: unknown = JSON.parse(text);
        if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
      } catch {
        // refused below
      }
      throw new GigyaError(400006, `Invalid parameter value: ${name} must be a JSON object`);
    };
    const [profile, data, preferences, subscriptions] = [json('profile'), json('data'), json('preferences'), json('subscriptions')];
    const stamp = now();
    const events: string[] = [];
    // Validate everything before changing anything: a refused call changes nothing.
    const statements = preferences ? flattenStatements(preferences) : [];
    for (const [id, statement] of statements) {
      if (!SITE_CONSENT_STATEMENTS[id]) throw new GigyaError(400006, `Invalid parameter value: preferences.${id} is not a consent statement of this site`);
      if (typeof statement.isConsentGranted !== 'boolean') throw new GigyaError(400006, `Invalid parameter value: preferences.${id}.isConsentGranted must be a boolean`);
    }
    const subscriptionChanges = Object.entries(subscriptions ?? {});
    for (const [id, change] of subscriptionChanges) {
      const email = (change as { email?: { isSubscribed?: unknown } } | null)?.email;
      if (!SITE_SUBSCRIPTIONS[id]) throw new GigyaError(400006, `Invalid parameter value: subscriptions.${id} is not a subscription of this site`);
      if (typeof email?.isSubscribed !== 'boolean') throw new GigyaError(400006, `Invalid parameter value: subscriptions.${id}.email.isSubscribed must be a boolean`);
    }
    if (profile || data) {
      const before = JSON.stringify([account.profile, account.data]);
      Object.assign(account.profile, profile ?? {});
      Object.assign(account.data, data ?? {});
      if (JSON.stringify([account.profile, account.data]) !== before) events.push('accountUpdated');
    }
    let consentChanged = false;
    for (const [id, statement] of statements) {
      const [group, name] = splitId(id);
      const current = account.preferences[group]?.[name];
      const granted = statement.isConsentGranted as boolean;
      if (current && current.isConsentGranted === granted) continue;
      consentChanged = true;
      account.preferences[group] ??= {};
      account.preferences[group][name] = {
        isConsentGranted: granted,
        docVersion: typeof statement.docVersion === 'number' ? statement.docVersion : SITE_CONSENT_STATEMENTS[id]!.docVersion,
        docDate: null,
        lang: typeof statement.lang === 'string' ? statement.lang : (current?.lang ?? null),
        lastConsentModified: stamp.toISOString(),
        actionTimestamp: stamp.toISOString(),
        tags: Array.isArray(statement.tags) ? (statement.tags as string[]) : (current?.tags ?? []),
        customData: current?.customData ?? [],
        entitlements: Array.isArray(statement.entitlements) ? (statement.entitlements as string[]) : (current?.entitlements ?? []),
        locales: current?.locales ?? {},
      };
    }
    if (consentChanged) events.push('consentUpdated');
    let subscriptionChanged = false;
    for (const [id, change] of subscriptionChanges) {
      const email = (change as { email: { isSubscribed: boolean; tags?: unknown; doubleOptIn?: { isExternallyVerified?: unknown } } }).email;
      const current = account.subscriptions[id]?.email;
      const verified = email.doubleOptIn?.isExternallyVerified === true;
      const status = !email.isSubscribed
        ? 'NotConfirmed'
        : verified || !SITE_SUBSCRIPTIONS[id]!.doubleOptIn || current?.doubleOptIn.status === 'Confirmed'
          ? 'Confirmed'
          : 'Pending';
      if (current && current.isSubscribed === email.isSubscribed && current.doubleOptIn.status === status) continue;
      subscriptionChanged = true;
      account.subscriptions[id] = {
        email: {
          isSubscribed: email.isSubscribed,
          tags: Array.isArray(email.tags) ? (email.tags as string[]) : (current?.tags ?? null),
          lastUpdatedSubscriptionState: stamp.toISOString(),
          doubleOptIn: {
            status,
            emailSentTime: status === 'Pending' ? stamp.toISOString() : (current?.doubleOptIn.emailSentTime ?? null),
            confirmTime: status === 'Confirmed' ? (current?.doubleOptIn.confirmTime ?? stamp.toISOString()) : null,
            isExternallyVerified: verified,
          },
        },
      };
    }
    if (subscriptionChanged) events.push('subscriptionUpdated');
    if (events.length > 0) {
      account.lastUpdated = stamp.toISOString();
      account.lastUpdatedTimestamp = stamp.getTime();
    }
    return events;
  };

  const notifications = (uid: string, types: string[]): OutgoingWebhook[] => {
    if (types.length === 0 || receivers.size === 0) return [];
    const at = Math.floor(Date.now() / 1000);
    const events = types.map((type) => ({ type, id: randomUUID(), timestamp: at, callId: randomBytes(16).toString('hex'), version: '2.0', apiKey, data: { uid } }));
    const body = JSON.stringify({ events, nonce: randomUUID(), timestamp: at });
    return [...receivers.values()].map(({ url, key }) => ({
      url,
      type: types.join(','),
      orderKey: uid,
      webhookId: events[0]!.id,
      body,
      contentType: 'application/json',
      headers: () => ({ 'user-agent': 'Gigya-Webhooks', 'x-gigya-sig-hmac-sha1': gigyaHmac(key, body) }),
    }));
  };

  const setAccountInfo = (params: Map<string, string>): { body: Record<string, unknown>; webhooks: OutgoingWebhook[]; uid: string } => {
    const account = existing(params.get('UID'));
    const events = apply(account, params);
    return { body: {}, webhooks: notifications(account.UID, events), uid: account.UID };
  };

  const envelope = (status: number, body: Record<string, unknown>, error?: GigyaError): SimulatorResponse => ({
    status: 200,
    headers: { 'Content-Type': 'application/json;charset=utf-8' },
    body: {
      callId: randomBytes(16).toString('hex'),
      errorCode: error?.code ?? 0,
      ...(error && { errorMessage: MESSAGES[error.code] ?? 'Error', errorDetails: error.details }),
      apiVersion: 2,
      statusCode: status,
      statusReason: STATUS[status] ?? 'Error',
      time: new Date().toISOString(),
      ...body,
    },
  });

  const method =
    (name: string, handler: (params: Map<string, string>) => Record<string, unknown> | { body: Record<string, unknown>; webhooks: OutgoingWebhook[]; uid: string }) =>
    (request: SimulatorRequest): SimulatorResponse => {
      const params = new Map([...request.url.searchParams, ...new URLSearchParams(request.body)]);
      try {
        authenticate(request, params, name);
        const result = handler(params);
        if ('webhooks' in result && 'uid' in result) {
          const answer = envelope(200, result.body as Record<string, unknown>);
          return { ...answer, write: { recordId: result.uid as string, body: Object.fromEntries(['profile', 'data', 'preferences', 'subscriptions'].filter((key) => params.has(key)).map((key) => [key, JSON.parse(params.get(key)!)])) }, webhooks: result.webhooks as OutgoingWebhook[] };
        }
        return envelope(200, result);
      } catch (error) {
        if (error instanceof GigyaError) return envelope(Math.floor(error.code / 1000), {}, error);
        throw error;
      }
    };

  const recordChange = (request: SimulatorRequest): SimulatorResponse => {
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(request.body || '{}') as Record<string, unknown>;
    } catch {
      return { status: 400, body: { error: 'the body must be JSON {UID, profile?, data?, preferences?, subscriptions?}' } };
    }
    const account = accounts.get(String(body.UID));
    if (!account) return { status: 404, body: { error: `no account ${String(body.UID)}` } };
    const params = new Map(['profile', 'data', 'preferences', 'subscriptions'].filter((key) => body[key] !== undefined).map((key) => [key, JSON.stringify(body[key])]));
    try {
      const events = apply(account, params);
      return { status: 200, body: render(account, new Set(['profile', 'data', 'preferences', 'subscriptions'])), webhooks: notifications(account.UID, events) };
    } catch (error) {
      if (error instanceof GigyaError) return { status: 400, body: { error: error.details } };
      throw error;
    }
  };

  const confirmSubscription = (request: SimulatorRequest): SimulatorResponse => {
    const { UID, subscription } = JSON.parse(request.body || '{}') as { UID?: string; subscription?: string };
    const email = UID && subscription ? accounts.get(UID)?.subscriptions[subscription]?.email : undefined;
    if (!email || email.doubleOptIn.status !== 'Pending') return { status: 404, body: { error: 'no pending subscription' } };
    const stamp = now();
    email.doubleOptIn.status = 'Confirmed';
    email.doubleOptIn.confirmTime = stamp.toISOString();
    const account = accounts.get(UID!)!;
    account.lastUpdated = stamp.toISOString();
    account.lastUpdatedTimestamp = stamp.getTime();
    return { status: 204, webhooks: notifications(UID!, ['subscriptionUpdated']) };
  };

  const register = (request: SimulatorRequest): SimulatorResponse => {
    const { url, secret: key } = JSON.parse(request.body || '{}') as { url?: unknown; secret?: unknown };
    if (typeof url !== 'string' || !URL.canParse(url)) return { status: 400, body: { error: 'url must be an absolute URL' } };
    if (key !== undefined && (typeof key !== 'string' || !/^[A-Za-z0-9+/]{16,}={0,2}$/.test(key))) return { status: 400, body: { error: 'secret must be a base64 key' } };
    const id = `wh_${randomUUID()}`;
    receivers.set(id, { url, key: (key as string | undefined) ?? partnerSecret });
    return { status: 201, body: { id, url } };
  };

  const routes: Record<string, ReturnType<typeof method>> = {
    'accounts.getAccountInfo': method('accounts.getAccountInfo', getAccountInfo),
    'accounts.search': method('accounts.search', search),
    'accounts.setAccountInfo': method('accounts.setAccountInfo', setAccountInfo),
  };

  const server = await startSimulatorServer({
    port: options.port,
    faults: options.faults,
    describe: (port) => ({ name: system, dialect: 'sapcdc', baseUrl: `http://127.0.0.1:${port}`, credentials: { apiKey, userKey, secret } }),
    route: (request) => {
      const name = request.url.pathname.slice(1);
      const handler = routes[name];
      return handler && (request.method === 'POST' || request.method === 'GET') ? { label: name, handle: handler } : null;
    },
    notFound: (request) => envelope(404, {}, new GigyaError(400006, `Invalid parameter value: unknown method ${request.url.pathname.slice(1)}`)),
    faultResponse: (_status, kind) =>
      kind === 'rate-limit' ? envelope(403, {}, new GigyaError(403048, 'Rate limit exceeded')) : envelope(500, {}, new GigyaError(500001, 'General Server Error')),
    admin: {
      'POST /__admin/record-change': recordChange,
      'POST /__admin/confirm-subscription': confirmSubscription,
      'POST /__admin/webhooks': register,
      'GET /__admin/webhooks': () => ({ status: 200, body: { webhooks: [...receivers].map(([id, { url }]) => ({ id, url })) } }),
      'DELETE /__admin/webhooks/*': (request) => (receivers.delete(request.url.pathname.slice('/__admin/webhooks/'.length)) ? { status: 204 } : { status: 404, body: { error: 'no such webhook' } }),
    },
    webhookDelivery: options.webhooks,
  });
  return Object.assign(server, { getAccount: (uid: string) => accounts.get(uid) });
}

/** `{privacy: {marketing_sms: {...}}}` -> `[['privacy.marketing_sms', {...}]]`: a statement is the object holding `isConsentGranted`. */
function flattenStatements(preferences: Record<string, unknown>, prefix = ''): [string, Record<string, unknown>][] {
  return Object.entries(preferences).flatMap(([key, value]) => {
    if (typeof value !== 'object' || value === null) return [[`${prefix}${key}`, {}] as [string, Record<string, unknown>]];
    const object = value as Record<string, unknown>;
    return 'isConsentGranted' in object || prefix !== '' ? [[`${prefix}${key}`, object] as [string, Record<string, unknown>]] : flattenStatements(object, `${key}.`);
  });
}

function splitId(id: string): [string, string] {
  const dot = id.indexOf('.');
  return [id.slice(0, dot), id.slice(dot + 1)];
}

function same(a: string, b: string): boolean {
  const [x, y] = [Buffer.from(a), Buffer.from(b)];
  return x.length === y.length && timingSafeEqual(x, y);
}
