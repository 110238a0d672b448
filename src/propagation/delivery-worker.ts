import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../observability/logger';
import type { GatewayMetrics } from '../observability/metrics';
import type { AttemptOutcome, DeliveryLedger, HeldClaim } from './delivery-ledger';
import type { DeliveryRowDoc } from './delivery-row';
import { deliverBatch, type DeliverConsentParts } from './deliver-consent';
import type { DeliveryLagWindow } from './delivery-lag-window';

/** Options of {@link startDeliveryWorker}. */
export interface DeliveryWorkerOptions {
  ledger: DeliveryLedger;
  parts: DeliverConsentParts;
  logger: Logger;
  metrics?: GatewayMetrics;
  /** Where each finished delivery's lag is noted for the propagation history. @default none */
  lags?: DeliveryLagWindow;
  /** Rows one batch of one system takes. @default 50 */
  batchSize?: number;
  /** Pause between looks at the outbox when it had nothing due, in ms. @default 100 */
  idleMs?: number;
  /** How long a claim is held; a row whose write could not start within it (less one call's budget) is left to the next claimer. @default 60000 */
  leaseMs?: number;
  /** How often the backlog gauges are counted, in ms. @default 15000 */
  gaugeEveryMs?: number;
}

/** A running worker. */
export interface DeliveryWorker {
  /** Stops taking rows and resolves once the batches in flight have finished. */
  stop(): Promise<void>;
}

/**
 * The delivery loop of one gateway process (every process runs one; claims keep them
 * from delivering a row twice at once). It reads the due rows, and for each system with
 * rows due and no batch of its own in flight, claims a batch and delivers it: systems
 * run side by side, so a slow or failing one never holds the others up. A batch costs a
 * few store round trips for all its rows (claims, reads, outcomes), and its vendor
 * calls run `callConcurrency` at a time. A system whose circuit is open is not called:
 * its adapter refuses at once, and the rows wait.
 */
export function startDeliveryWorker(options: DeliveryWorkerOptions): DeliveryWorker {
  const { ledger, parts, logger, metrics, lags, batchSize = 50, idleMs = 100, leaseMs = 60_000, gaugeEveryMs = 15_000 } = options;
  const worker = `worker:${process.pid}:${randomUUID()}`; // the pid tells an operator (and the crash test) whose claim it is
  const inFlight = new Map<string, Promise<void>>(); // per system
  const stopped = new AbortController();

  const runBatch = async (system: string, rows: DeliveryRowDoc[]): Promise<void> => {
    const now = parts.now();
    const leaseUntil = new Date(now.getTime() + leaseMs);
    const claims = await ledger.claimMany(rows, worker, now, leaseUntil);
    if (claims.length === 0) return;
    let outcomes: Map<string, AttemptOutcome>;
    try {
      outcomes = await deliverBatch(parts, system, claims.map((claim) => claim.row), leaseUntil);
    } catch (error) {
      // Not a source's answer (the store, a bug): the rows are taken up again after the lease, the error logged.
      logger.error({ err: error, system, rows: claims.length }, 'consent deliveries failed unexpectedly; retried after the lease');
      return;
    }
    const finished = parts.now();
    const done = claims.flatMap((claim: HeldClaim) => {
      const outcome = outcomes.get(claim.row._id);
      return outcome ? [{ claim, outcome }] : [];
    });
    await ledger.finishMany(done, finished);
    for (const { claim, outcome } of done) {
      metrics?.deliveryAttempts.inc({ system, outcome: outcome.status });
      if (outcome.status === 'DELIVERED') {
        const lagSeconds = (finished.getTime() - claim.row.createdAt.getTime()) / 1000;
        metrics?.deliveryLag.observe({ system }, lagSeconds);
        lags?.record(system, lagSeconds);
      }
      if (outcome.status === 'DEAD') logger.warn({ row: claim.row._id, system, error: outcome.lastError }, 'consent delivery is dead; replayDeliveries re-queues it');
    }
  };

  const loop = async () => {
    while (!stopped.signal.aborted) {
      // Every system busy: nothing to claim until a batch finishes (reading the outbox now would be wasted).
      if (parts.adapters.size > 0 && inFlight.size >= parts.adapters.size) {
        await Promise.race(inFlight.values());
        continue;
      }
      let started = 0;
      try {
        const busy = [...inFlight.keys()];
        const due = await ledger.dueRows(parts.now(), batchSize, busy, batchSize * Math.max(1, parts.adapters.size - busy.length));
        for (const [system, rows] of due) {
          if (inFlight.has(system) || stopped.signal.aborted) continue;
          const run = runBatch(system, rows)
            .catch((error: unknown) => logger.warn({ err: error, system }, 'a consent delivery batch failed; its rows are retried later'))
            .finally(() => inFlight.delete(system));
          inFlight.set(system, run);
          started++;
        }
      } catch (error) {
        logger.warn({ err: error }, 'reading the consent outbox failed; retrying');
      }
      // Look again once a batch finishes, or after a pause when nothing could start.
      if (started === 0 || inFlight.size > 0) {
        const pause = sleep(idleMs, undefined, { signal: stopped.signal }).catch(() => undefined);
        await (inFlight.size > 0 && started === 0 ? Promise.race([...inFlight.values(), pause]) : pause);
      }
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
