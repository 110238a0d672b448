import http, { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FaultConfig, RunningSimulator, SimulatorDescriptor, WriteRecord } from '../simulator';
import { createTimerSet } from './timers';
import { createWebhookSender, type OutgoingWebhook, type WebhookDeliveryOptions } from './webhook-sender';

/**
 * The HTTP plumbing every contract simulator shares: a node `http` server on loopback,
 * admin endpoints, request counters by route label, in-flight/peak concurrency, fault
 * injection, the log of write-backs received and the outgoing webhook queue. A dialect
 * supplies only its routes and its vendor's error shape; a handler says what its answer
 * changed (`write`, `webhooks`), and the server records and sends that once the answer is
 * written, only for a 2xx answer.
 */

/** A request as a route handler sees it: the body is already read. */
export interface SimulatorRequest {
  method: string;
  url: URL;
  headers: IncomingHttpHeaders;
  /** The raw body as text ('' when none). */
  body: string;
}

/** What a handler answers; `body` is serialised as JSON unless it is a string. */
export interface SimulatorResponse {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** A write-back through the vendor API: recorded in `/__admin/writes` when the answer is 2xx. */
  write?: { recordId: string; body: unknown };
  /** Webhooks the change causes: queued after the answer is written, when it is 2xx. */
  webhooks?: OutgoingWebhook[];
}

/** An admin endpoint's handler (admin endpoints see no faults and are not counted). */
export type AdminHandler = (request: SimulatorRequest) => SimulatorResponse | Promise<SimulatorResponse>;

/** A matched route: its counter label and its handler. */
export interface RouteMatch {
  label: string;
  handle(request: SimulatorRequest): Promise<SimulatorResponse> | SimulatorResponse;
}

/** Why the simulator answers with an injected error. */
export type FaultKind = 'error' | 'rate-limit';

/** Lets a dialect refuse a request on arrival (Mailchimp's connection limit); `release` runs when it ends. */
export type Admission = { release(): void } | { reject: SimulatorResponse };

/** How a dialect plugs into the shared server. */
export interface SimulatorServerOptions {
  /** Port to listen on; 0 picks a free one. @default 0 */
  port?: number;
  /** Faults from the start. @default {} */
  faults?: FaultConfig;
  /** The descriptor, once the port is known. */
  describe(port: number): SimulatorDescriptor;
  /** Finds the route for a request, or null for the dialect's 404. */
  route(request: SimulatorRequest): RouteMatch | null;
  /** The dialect's 404 for an unknown path. */
  notFound(request: SimulatorRequest): SimulatorResponse;
  /** The dialect's error shape for an injected fault (503s, 429s, failNext statuses). */
  faultResponse(status: number, kind: FaultKind): SimulatorResponse;
  /** Runs on arrival, before faults; may reject. @default admit everything */
  admit?(request: SimulatorRequest): Admission;
  /** Adds headers every non-admin answer carries (e.g. `Sforce-Limit-Info`). @default none */
  decorate?(request: SimulatorRequest, response: SimulatorResponse, label: string): void;
  /**
   * Extra admin endpoints, keyed `METHOD /__admin/name`; a key ending in `/*` also serves
   * every path below it (`DELETE /__admin/webhooks/*`). @default none
   */
  admin?: Record<string, AdminHandler>;
  /** Retry schedule and timeout of outgoing webhooks. @default see WebhookDeliveryOptions */
  webhookDelivery?: WebhookDeliveryOptions;
  /** Bytes of request line and headers accepted (431 beyond), for vendors that take longer URLs than Node's default. @default 16384 */
  maxHeaderSize?: number;
}

/** A running simulator plus its port. */
export interface SimulatorServer extends RunningSimulator {
  readonly port: number;
}

const ADMIN_PREFIX = '/__admin/';
/** Routes that faults skip unless `FaultConfig.routes` names them. */
const FAULT_EXEMPT_BY_DEFAULT = new Set(['token']);

/** Starts a simulator's HTTP server on 127.0.0.1 and resolves once it listens. */
export async function startSimulatorServer(options: SimulatorServerOptions): Promise<SimulatorServer> {
  const requests = new Map<string, number>();
  let faults: FaultConfig = normaliseFaults(options.faults ?? {});
  let inFlight = 0;
  let peakConcurrency = 0;
  const timers = createTimerSet();
  const writes: WriteRecord[] = [];
  const webhooks = createWebhookSender(options.webhookDelivery);
  let stopping = false;

  /** Picks the injected answer for this call, consuming one-shot faults; undefined means serve normally. */
  const pickFault = (label: string): SimulatorResponse | 'hang' | undefined => {
    const applies = faults.routes ? faults.routes.includes(label) : !FAULT_EXEMPT_BY_DEFAULT.has(label);
    if (!applies) return undefined;
    if (faults.hang) return 'hang';
    if (faults.rateLimit && faults.rateLimit.count > 0) {
      faults.rateLimit.count -= 1;
      const response = options.faultResponse(429, 'rate-limit');
      response.headers = { ...response.headers, 'Retry-After': String(faults.rateLimit.retryAfterSeconds) };
      return response;
    }
    if (faults.failNext && faults.failNext.count > 0) {
      faults.failNext.count -= 1;
      return options.faultResponse(faults.failNext.status, 'error');
    }
    if (faults.errorRate && Math.random() < faults.errorRate) return options.faultResponse(503, 'error');
    return undefined;
  };

  const serve = async (request: SimulatorRequest, res: ServerResponse): Promise<void> => {
    const path = request.url.pathname;
    if (path.startsWith(ADMIN_PREFIX)) {
      const response = await handleAdmin(request);
      send(res, response);
      afterAnswer(response, null);
      return;
    }
    inFlight += 1;
    peakConcurrency = Math.max(peakConcurrency, inFlight);
    let ended = false;
    const releases: (() => void)[] = [];
    const end = (): void => {
      if (ended) return;
      ended = true;
      inFlight -= 1;
      for (const release of releases) release();
    };
    res.once('finish', end);
    res.once('close', end);

    const match = options.route(request);
    const label = match?.label ?? 'unmatched';
    requests.set(label, (requests.get(label) ?? 0) + 1);

    const admission = options.admit?.(request);
    if (admission && 'reject' in admission) {
      send(res, decorate(request, admission.reject, label));
      return;
    }
    if (admission) releases.push(() => admission.release());

    const fault = match ? pickFault(label) : undefined;
    if (fault === 'hang') return; // the socket stays open until the client gives up or stop() runs
    const latency = (faults.latencyMs ?? 0) + (faults.jitterMs ? Math.random() * faults.jitterMs : 0);
    if (latency > 0 && (match ? appliesLatency(label) : false)) await timers.delay(latency);
    if (stopping || res.destroyed) return;

    let response: SimulatorResponse;
    if (fault) response = fault;
    else if (!match) response = options.notFound(request);
    else response = await match.handle(request);
    send(res, decorate(request, response, label));
    if (!fault && match) afterAnswer(response, label);
  };

  /** Records a write-back (vendor routes only) and queues the webhooks of a 2xx answer. */
  const afterAnswer = (response: SimulatorResponse, label: string | null): void => {
    if (response.status < 200 || response.status >= 300) return;
    if (response.write && label !== null) {
      writes.push({ at: new Date().toISOString(), route: label, recordId: response.write.recordId, body: response.write.body });
    }
    if (!response.webhooks || response.webhooks.length === 0) return;
    if (faults.dropWebhooks) response.webhooks.forEach((message) => webhooks.recordDropped(message));
    else webhooks.enqueue(response.webhooks);
  };

  const appliesLatency = (label: string): boolean =>
    faults.routes ? faults.routes.includes(label) : !FAULT_EXEMPT_BY_DEFAULT.has(label);

  const decorate = (request: SimulatorRequest, response: SimulatorResponse, label: string): SimulatorResponse => {
    options.decorate?.(request, response, label);
    return response;
  };

  const handleAdmin = async (request: SimulatorRequest): Promise<SimulatorResponse> => {
    const key = `${request.method} ${request.url.pathname}`;
    if (key === 'POST /__admin/faults') {
      try {
        const parsed: unknown = request.body ? JSON.parse(request.body) : {};
        if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
          return { status: 400, body: { error: 'faults must be a JSON object (FaultConfig)' } };
        }
        faults = normaliseFaults(parsed as FaultConfig);
        return { status: 200, body: { faults } };
      } catch {
        return { status: 400, body: { error: 'faults body is not valid JSON' } };
      }
    }
    if (key === 'GET /__admin/requests') {
      return {
        status: 200,
        body: { requests: Object.fromEntries(requests), total: total(), peakConcurrency, inFlight },
      };
    }
    if (key === 'POST /__admin/reset-counters') {
      resetCounters();
      return { status: 204 };
    }
    if (key === 'GET /__admin/writes') return { status: 200, body: { writes } };
    if (key === 'GET /__admin/webhook-deliveries') return { status: 200, body: { deliveries: webhooks.deliveries() } };
    const extra = options.admin?.[key] ?? adminBelow(key);
    if (extra) return extra(request);
    return { status: 404, body: { error: `no admin endpoint ${key}` } };
  };

  /** The handler of a `METHOD /__admin/prefix/*` key that covers this key. */
  const adminBelow = (key: string): AdminHandler | undefined => {
    for (const [pattern, handler] of Object.entries(options.admin ?? {})) {
      if (pattern.endsWith('/*') && key.startsWith(pattern.slice(0, -1)) && key.length > pattern.length - 1) return handler;
    }
    return undefined;
  };

  const total = (): number => [...requests.values()].reduce((sum, n) => sum + n, 0);
  const resetCounters = (): void => {
    requests.clear();
    peakConcurrency = inFlight;
    writes.length = 0;
    webhooks.clearDeliveries();
  };

  const server = http.createServer({ maxHeaderSize: options.maxHeaderSize }, (req, res) => {
    readBody(req)
      .then((body) => {
        const request: SimulatorRequest = {
          method: req.method ?? 'GET',
          url: new URL(req.url ?? '/', 'http://127.0.0.1'),
          headers: req.headers,
          body,
        };
        return serve(request, res);
      })
      .catch((error: unknown) => {
        if (!res.headersSent && !res.destroyed) {
          send(res, { status: 500, body: { error: error instanceof Error ? error.message : 'simulator failure' } });
        }
      });
  });
  // Keep-alive like a real vendor edge, so clients' pools reuse connections.
  server.keepAliveTimeout = 30_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const descriptor = options.describe(port);

  return {
    port,
    descriptor,
    get requests(): ReadonlyMap<string, number> {
      return requests;
    },
    requestCount: (route?: string) => (route === undefined ? total() : (requests.get(route) ?? 0)),
    get peakConcurrency(): number {
      return peakConcurrency;
    },
    resetCounters,
    setFaults: (next: FaultConfig) => {
      faults = normaliseFaults(next);
    },
    writes: () => writes,
    webhookDeliveries: () => webhooks.deliveries(),
    webhooksIdle: () => webhooks.idle(),
    stop: async () => {
      if (stopping) return;
      stopping = true;
      webhooks.stop();
      timers.clear();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // close() alone waits for open sockets: hung and keep-alive connections would hold it forever.
      server.closeAllConnections();
      await closed;
    },
  };
}

/** Copies the config so one-shot counters can be consumed without touching the caller's object. */
function normaliseFaults(faults: FaultConfig): FaultConfig {
  return {
    ...faults,
    rateLimit: faults.rateLimit ? { ...faults.rateLimit } : undefined,
    failNext: faults.failNext ? { ...faults.failNext } : undefined,
    routes: faults.routes ? [...faults.routes] : undefined,
  };
}

/** Reads a request body as UTF-8 text. */
function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Writes a response; JSON bodies get a JSON content type unless the handler set one. */
function send(res: ServerResponse, response: SimulatorResponse): void {
  if (res.headersSent || res.destroyed) return;
  const headers: Record<string, string> = { ...response.headers };
  let payload: string | undefined;
  if (response.body !== undefined && response.status !== 204) {
    if (typeof response.body === 'string') payload = response.body;
    else {
      payload = JSON.stringify(response.body);
      if (!hasHeader(headers, 'content-type')) headers['Content-Type'] = 'application/json;charset=UTF-8';
    }
  }
  if (payload !== undefined) headers['Content-Length'] = String(Buffer.byteLength(payload));
  res.writeHead(response.status, headers);
  res.end(payload);
}

function hasHeader(headers: Record<string, string>, name: string): boolean {
  return Object.keys(headers).some((key) => key.toLowerCase() === name);
}
