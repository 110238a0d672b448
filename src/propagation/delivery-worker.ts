import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../observability/logger';
import type { GatewayMetrics } from '../observability/metrics';
import type { DeliveryLedger } from './delivery-ledger';
import type { DeliveryRowDoc } from './delivery-row';
import { deliverConsent, type DeliverConsentParts } from './deliver-consent';

/** Options of {@link startDeliveryWorker}. */
export interface DeliveryWorkerOptions {
  ledger: DeliveryLedger;
  parts: DeliverConsentParts;
  logger: Logger;
  metrics?: GatewayMetrics;
  /** Deliveries in flight at once in this process. @default 8 */
  concurrency?: number;
  /** Pause between looks at the outbox when it had nothing due, in ms. @default 200 */
  idleMs?: number;
  /** How long a claim is held; longer than any one delivery may take. @default 60000 */
  leaseMs?: number;
  /** How often the backlog gauges are counted, in ms. @default 15000 */
  gaugeEveryMs?: number;
}

/** A running worker. */
export interface DeliveryWorker {
  /** Stops taking rows and resolves once the deliveries in flight have finished. */
  stop(): Promise<void>;
}

/**
 * The delivery loop of one gateway process (every process runs one; claims keep them
 * from delivering a row twice at once). It reads due rows, claims each and delivers it,
 * at most `concurrency` at a time, and loops at once while there is work. A system whose
 * circuit is open is not called: its adapter refuses at once, and the row waits.
 */
export function startDeliveryWorker(options: DeliveryWorkerOptions): DeliveryWorker {
  const { ledger, parts, logger, metrics, concurrency = 8, idleMs = 200, leaseMs = 60_000, gaugeEveryMs = 15_000 } = options;
  const worker = `worker:${process.pid}:${randomUUID()}`; // the pid tells an operator (and the crash test) whose claim it is
  const inFlight = new Map<string, Promise<void>>();
  const stopped = new AbortController();

  const runOne = async (row: DeliveryRowDoc): Promise<void> => {
    const now = parts.now();
    const claim = await ledger.claim(row, worker, now, new Date(now.getTime() + leaseMs));
    if (!claim) return;
    const outcome = await deliverConsent(parts, claim.row).catch((error: unknown) => {
      // Not a source's answer (the store, a bug): the row is retried after its lease, the error logged.
      logger.error({ err: error, row: row._id }, 'consent delivery failed unexpectedly; retried after the lease');
      return null;
    });
    if (!outcome) return;
    const finished = parts.now();
    await ledger.finish(claim, outcome, finished);
    metrics?.deliveryAttempts.inc({ system: row.system, outcome: outcome.status });
    if (outcome.status === 'DELIVERED') metrics?.deliveryLag.observe({ system: row.system }, (finished.getTime() - row.createdAt.getTime()) / 1000);
    if (outcome.status === 'DEAD') logger.warn({ row: row._id, system: row.system, error: outcome.lastError }, 'consent delivery is dead; replayDeliveries re-queues it');
  };

  const loop = async () => {
    while (!stopped.signal.aborted) {
      let started = 0;
      try {
        const due = await ledger.dueRows(parts.now(), concurrency * 8);
        for (const row of shuffle(due)) {
          if (stopped.signal.aborted) break;
          if (inFlight.has(row._id)) continue;
          while (inFlight.size >= concurrency) await Promise.race(inFlight.values());
          const run = runOne(row)
            .catch((error: unknown) => logger.warn({ err: error, row: row._id }, 'claiming a consent delivery failed; retried later'))
            .finally(() => inFlight.delete(row._id));
          inFlight.set(row._id, run);
          started++;
        }
      } catch (error) {
        logger.warn({ err: error }, 'reading the consent outbox failed; retrying');
      }
      if (started === 0) await sleep(idleMs, undefined, { signal: stopped.signal }).catch(() => undefined);
      else if (inFlight.size >= concurrency) await Promise.race(inFlight.values());
    }
  };

  const countBacklog = async () => {
    if (!metrics) return;
    try {
      const bySystem = await ledger.backlogBySystem();
      for (const system of parts.adapters.keys()) {
        metrics.deliveryBacklog.set({ system }, bySystem.get(system)?.backlog ?? 0);
        metrics.deliveryDead.set({ system }, bySystem.get(system)?.deadCount ?? 0);
      }
    } catch (error) {
      logger.warn({ err: error }, 'counting the consent delivery backlog failed');
    }
  };
  const gauges = setInterval(() => void countBacklog(), gaugeEveryMs);
  gauges.unref();
  void countBacklog();

  const running = loop();
  return {
    async stop() {
      stopped.abort();
      clearInterval(gauges);
      await running;
      await Promise.all(inFlight.values());
    },
  };
}

/** Rows in random order, so that processes reading the same due rows mostly claim different ones. */
function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

