/**
 * What every contract simulator shares: how it is started, how tests inject faults,
 * and the request counters tests read. Each dialect's simulator lives in its own
 * folder (simulators/salesforce/, simulators/mailchimp/, simulators/scim/).
 */

/** Faults a simulator injects into the calls it serves (admin endpoints excluded). */
export interface FaultConfig {
  /** Added latency per response, in ms. @default 0 */
  latencyMs?: number;
  /** Uniform random extra latency in [0, jitterMs). @default 0 */
  jitterMs?: number;
  /** Fraction of calls answered with a 503 in the vendor's error shape. @default 0 */
  errorRate?: number;
  /** Never answer (the connection stays open until the client gives up). @default false */
  hang?: boolean;
  /** Answer the next N calls with a 429 and this Retry-After (seconds). */
  rateLimit?: { count: number; retryAfterSeconds: number };
  /** Answer the next N calls with this status in the vendor's error shape (e.g. 503, then normal). */
  failNext?: { count: number; status: number };
  /**
   * Only calls with these route labels get faults. The OAuth token endpoint (`token`) is
   * exempt unless listed here, so a fault aimed at API calls is not eaten by a token fetch.
   * @default every route except `token`
   */
  routes?: string[];
  /**
   * Silently drop every outgoing webhook (lost webhooks: the receiver's polling must find
   * the change). Not limited by `routes`. @default false
   */
  dropWebhooks?: boolean;
}

/** A write received through the vendor API and answered 2xx (`GET /__admin/writes`). */
export interface WriteRecord {
  /** When it arrived, ISO 8601. */
  at: string;
  /** The route label, e.g. `sobject.update`, `member.update`, `users.patch`. */
  route: string;
  /** The record written: Salesforce Contact id, Mailchimp subscriber hash, SCIM user id. */
  recordId: string;
  /** The request body, parsed. */
  body: unknown;
}

/** One attempt to deliver a webhook (`GET /__admin/webhook-deliveries`). */
export interface WebhookDelivery {
  /** When the attempt ended, ISO 8601. */
  at: string;
  url: string;
  /** The event type (`unsubscribe`, `contact.updated`, ...). */
  type: string;
  /** The `webhook-id` header (Standard Webhooks only; the same on every attempt). */
  webhookId?: string;
  /** 1 for the first attempt, 2 for the first retry, ... */
  attempt: number;
  /** The receiver's HTTP status, when it answered. */
  status?: number;
  /** Why no status: a connection error, a timeout, or `dropped` (fault `dropWebhooks`). */
  error?: string;
}

/**
 * One line of `npm run simulators`: enough to point a vendor's client at the simulator,
 * and an entry `SYSTEMS` accepts as it is (`name`, `dialect`, `baseUrl`, `credentials`,
 * `options`), so the printed lines, as a JSON array, configure a gateway.
 */
export interface SimulatorDescriptor {
  /** The system's name, as `SYSTEMS` names it. */
  name: string;
  dialect: string;
  baseUrl: string;
  credentials: Record<string, string>;
  /** Dialect settings (`SYSTEMS`' `options`), when the system needs some. */
  options?: Record<string, string>;
}

/** A running simulator. */
export interface RunningSimulator {
  readonly descriptor: SimulatorDescriptor;
  /** Calls served, by route label (e.g. `composite.retrieve`, `query`, `token`), admin excluded. */
  readonly requests: ReadonlyMap<string, number>;
  /** Total calls served (admin excluded). */
  requestCount(route?: string): number;
  /** The most concurrent requests seen at once (Mailchimp's 10-connection limit). */
  readonly peakConcurrency: number;
  /** Clears the request counters, the recorded writes and the webhook delivery log. */
  resetCounters(): void;
  setFaults(faults: FaultConfig): void;
  /** Writes received through the vendor API and answered 2xx, in arrival order (admin changes excluded). */
  writes(): readonly WriteRecord[];
  /** Webhook delivery attempts, oldest first (the newest 10,000). */
  webhookDeliveries(): readonly WebhookDelivery[];
  /** Resolves once no webhook is queued, in flight or waiting for a retry. */
  webhooksIdle(): Promise<void>;
  stop(): Promise<void>;
}
