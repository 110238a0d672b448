import type { WebhookDelivery } from '../simulator';
import { createTimerSet } from './timers';

/**
 * Outgoing webhooks of every simulator: a queue per receiver URL and record, so that one
 * record's webhooks arrive in the order its changes were made, while other records' and
 * other receivers' go on in parallel. A non-2xx answer, a connection error or a timeout is
 * retried on a schedule with the same message (and the same `webhook-id`); after the last
 * retry the message is given up. Nothing here throws into the simulator, and nothing is
 * logged (payloads hold personal data).
 */

/** One webhook to send to one receiver. */
export interface OutgoingWebhook {
  url: string;
  /** The event type, for the delivery log. */
  type: string;
  /** Messages with the same URL and key are delivered one after another (the record id). */
  orderKey: string;
  /** The `webhook-id`, for the delivery log (Standard Webhooks only). */
  webhookId?: string;
  /** The body, sent as it is on every attempt. */
  body: string;
  contentType: string;
  /** Headers of one attempt (Standard Webhooks signs each attempt with its own timestamp). */
  headers?(attemptAt: Date): Record<string, string>;
}

/** How webhooks are delivered. */
export interface WebhookDeliveryOptions {
  /** Waits before each retry, in ms; their count is the number of retries. @default [500, 2000, 5000] */
  retryDelaysMs?: readonly number[];
  /** Time one attempt may take, headers and body, in ms. @default 10000 */
  timeoutMs?: number;
}

/** The delivery side of a running simulator. */
export interface WebhookSender {
  /** Queues messages; delivery starts on a later turn of the event loop. */
  enqueue(messages: readonly OutgoingWebhook[]): void;
  /** Records a message dropped by the `dropWebhooks` fault. */
  recordDropped(message: OutgoingWebhook): void;
  /** Attempts so far, oldest first. */
  deliveries(): readonly WebhookDelivery[];
  clearDeliveries(): void;
  /** Resolves once nothing is queued, in flight or waiting for a retry. */
  idle(): Promise<void>;
  /** Abandons everything queued or in flight. */
  stop(): void;
}

const MAX_LOGGED_DELIVERIES = 10_000;

/** Creates the webhook queue of one simulator. */
export function createWebhookSender(options: WebhookDeliveryOptions = {}): WebhookSender {
  const { retryDelaysMs = [500, 2000, 5000], timeoutMs = 10_000 } = options;
  const queues = new Map<string, OutgoingWebhook[]>();
  const log: WebhookDelivery[] = [];
  const timers = createTimerSet();
  const controllers = new Set<AbortController>();
  let waiters: (() => void)[] = [];
  let stopped = false;

  const note = (entry: WebhookDelivery): void => {
    log.push(entry);
    if (log.length > MAX_LOGGED_DELIVERIES) log.splice(0, log.length - MAX_LOGGED_DELIVERIES);
  };

  const settleIfIdle = (): void => {
    if (queues.size > 0) return;
    const resolved = waiters;
    waiters = [];
    for (const resolve of resolved) resolve();
  };

  /** One attempt: the receiver's status, or why there is none. */
  const attempt = async (message: OutgoingWebhook): Promise<{ status?: number; error?: string }> => {
    const controller = new AbortController();
    controllers.add(controller);
    const timer = setTimeout(() => controller.abort(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
    try {
      const response = await fetch(message.url, {
        method: 'POST',
        headers: { 'content-type': message.contentType, ...message.headers?.(new Date()) },
        body: message.body,
        signal: controller.signal,
        redirect: 'manual',
      });
      await response.arrayBuffer().catch(() => undefined);
      return { status: response.status };
    } catch (error) {
      const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
      return { error: cause instanceof Error ? cause.message || cause.name : 'request failed' };
    } finally {
      clearTimeout(timer);
      controllers.delete(controller);
    }
  };

  const deliver = async (message: OutgoingWebhook): Promise<void> => {
    for (let n = 0; n <= retryDelaysMs.length && !stopped; n += 1) {
      if (n > 0) await timers.delay(retryDelaysMs[n - 1] as number);
      if (stopped) return;
      const outcome = await attempt(message);
      if (stopped) return;
      note({
        at: new Date().toISOString(),
        url: message.url,
        type: message.type,
        ...(message.webhookId ? { webhookId: message.webhookId } : {}),
        attempt: n + 1,
        ...outcome,
      });
      if (outcome.status !== undefined && outcome.status >= 200 && outcome.status < 300) return;
    }
  };

  /** Drains one queue in order; the queue's entry goes once it is empty. */
  const drain = async (key: string): Promise<void> => {
    const queue = queues.get(key);
    while (queue && queue.length > 0 && !stopped) {
      try {
        await deliver(queue[0] as OutgoingWebhook);
      } catch {
        // deliver() catches what fetch throws; this only keeps a bug from stalling the queue.
      }
      queue.shift();
    }
    queues.delete(key);
    settleIfIdle();
  };

  return {
    enqueue: (messages) => {
      if (stopped) return;
      for (const message of messages) {
        const key = `${message.url}\n${message.orderKey}`;
        const queue = queues.get(key);
        if (queue) {
          queue.push(message);
          continue;
        }
        queues.set(key, [message]);
        // Never within the caller's turn: the answer that caused the change goes out first.
        timers.later(() => void drain(key), 0);
      }
    },
    recordDropped: (message) =>
      note({
        at: new Date().toISOString(),
        url: message.url,
        type: message.type,
        ...(message.webhookId ? { webhookId: message.webhookId } : {}),
        attempt: 0,
        error: 'dropped (fault dropWebhooks)',
      }),
    deliveries: () => log,
    clearDeliveries: () => {
      log.length = 0;
    },
    idle: () =>
      queues.size === 0
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            waiters.push(resolve);
          }),
    stop: () => {
      stopped = true;
      timers.clear();
      for (const controller of controllers) controller.abort(new Error('simulator stopped'));
      queues.clear();
      settleIfIdle();
    },
  };
}
