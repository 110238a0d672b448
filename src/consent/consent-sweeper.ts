import type { Logger } from '../observability/logger';
import type { SweepReport } from './sweep-consent-log';

/** Options of {@link startConsentSweeper}. */
export interface ConsentSweeperOptions {
  /** One sweep. Usually `() => consentService.sweep()`. */
  sweep: () => Promise<SweepReport>;
  /** Time between sweeps. @default 30000 */
  intervalMs?: number;
  /** Where healing and failures are reported. @default none */
  logger?: Logger;
}

/** A running sweeper. */
export interface ConsentSweeper {
  /** Stops after the sweep in progress, if any. */
  stop(): Promise<void>;
}

/**
 * Runs the sweep now and then on an interval (never two at once in this process).
 * Safe in every process at once: a sweep only folds, which is idempotent.
 */
export function startConsentSweeper({ sweep, intervalMs = 30_000, logger }: ConsentSweeperOptions): ConsentSweeper {
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  const tick = () => {
    running = sweep()
      .then((report) => {
        if (report.healed > 0) logger?.warn(report, 'consent sweeper healed states left behind their log');
      })
      .catch((error: unknown) => logger?.error({ err: error }, 'consent sweep failed; retrying at the next interval'))
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, intervalMs).unref();
      });
  };
  let timer = setTimeout(tick, 0).unref();
  return {
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
