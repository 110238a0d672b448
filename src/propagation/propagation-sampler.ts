import { randomUUID } from 'node:crypto';
import type { Logger } from '../observability/logger';
import type { DeliveryLagWindow } from './delivery-lag-window';
import type { DeliveryLedger } from './delivery-ledger';
import type { PropagationHistory } from './propagation-history';

/** Options of {@link startPropagationSampler}. */
export interface PropagationSamplerOptions {
  history: PropagationHistory;
  ledger: DeliveryLedger;
  /** Where this process's delivery worker notes each delivery's lag. */
  lags: DeliveryLagWindow;
  /** The connected systems' names (each gets a sample every tick, deliveries or not). */
  systems: readonly string[];
  logger: Logger;
  /** How often a sample is taken, in ms. @default 60000 */
  everyMs?: number;
  now?: () => Date;
}

/** A running sampler. */
export interface PropagationSampler {
  /** Takes a sample now (tests; the loop keeps its own pace). */
  sampleOnce(): Promise<void>;
  /** Stops the loop; a sample being written is finished. */
  stop(): Promise<void>;
}

/**
 * Once per tick (a minute by default), writes one sample per connected system for this
 * process: the ledger's backlog and dead count (as `systems { backlog deadCount }`
 * counts them) and the deliveries this process finished since its previous tick, with
 * the p50 and p99 of their lag. Every process samples; readers merge them per minute
 * (src/propagation/propagation-history.ts).
 */
export function startPropagationSampler(options: PropagationSamplerOptions): PropagationSampler {
  const { history, ledger, lags, systems, logger, everyMs = 60_000, now = () => new Date() } = options;
  const processId = `${process.pid}-${randomUUID().slice(0, 8)}`; // the pid tells an operator which process it was
  let pending: Promise<void> = Promise.resolve();

  const sampleOnce = async () => {
    const counts = await ledger.backlogBySystem();
    const at = now();
    const finished = lags.drain(); // after the read: a failed read leaves the lags for the next tick
    await history.record(
      systems.map((system) => {
        const sorted = [...(finished.get(system) ?? [])].sort((a, b) => a - b);
        const counted = counts.get(system);
        return {
          at,
          system,
          process: processId,
          backlog: counted?.backlog ?? 0,
          dead: counted?.deadCount ?? 0,
          delivered: sorted.length,
          lagP50Seconds: percentile(sorted, 0.5),
          lagP99Seconds: percentile(sorted, 0.99),
        };
      }),
    );
  };

  const timer = setInterval(() => {
    pending = sampleOnce().catch((error: unknown) => logger.warn({ err: error }, 'sampling propagation for its history failed; the next tick tries again'));
  }, everyMs);
  timer.unref();
  return {
    sampleOnce,
    async stop() {
      clearInterval(timer);
      await pending;
    },
  };
}

/** The nearest-rank percentile `q` of ascending `sorted` values; null for none. */
function percentile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}
