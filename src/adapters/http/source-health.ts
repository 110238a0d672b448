import { CircuitState } from 'cockatiel';
import type { SystemHealth } from '../../systems/system-status';

/** Options of a {@link SourceHealth}. */
export interface SourceHealthOptions {
  /** How many recent calls the latency median is taken over. @default 50 */
  windowSize?: number;
  /** How long after a degrading failure the source is reported DEGRADED, in ms. @default 60000 */
  degradedForMs?: number;
}

/**
 * What this process has seen of one source: a ring buffer of recent latencies, the
 * last error's label (kind, status, vendor code: never personal data), the API usage
 * the vendor last reported, and when the last degrading failure happened.
 */
export class SourceHealth {
  private readonly latencies: number[] = [];
  private next = 0;
  private lastError: string | null = null;
  private lastFailureAt = 0;
  private apiUsage: SystemHealth['apiUsage'] = null;
  private readonly windowSize: number;
  private readonly degradedForMs: number;

  constructor({ windowSize = 50, degradedForMs = 60_000 }: SourceHealthOptions = {}) {
    this.windowSize = windowSize;
    this.degradedForMs = degradedForMs;
  }

  /** Records one HTTP attempt's latency. */
  recordLatency(ms: number): void {
    this.latencies[this.next] = ms;
    this.next = (this.next + 1) % this.windowSize;
  }

  /** Records a failure; a `degrading` one makes the source DEGRADED for a while. */
  recordError(label: string, degrading: boolean): void {
    this.lastError = label;
    if (degrading) this.lastFailureAt = Date.now();
  }

  /** Records the API usage the vendor reported. */
  recordApiUsage(used: number, limit: number): void {
    this.apiUsage = { used, limit };
  }

  /** The health as the `systems` query shows it, given the breaker's state. */
  snapshot(circuitState: CircuitState): SystemHealth {
    const circuit =
      circuitState === CircuitState.Closed ? 'CLOSED' : circuitState === CircuitState.HalfOpen ? 'HALF_OPEN' : 'OPEN';
    const recentlyFailed = this.lastFailureAt > 0 && Date.now() - this.lastFailureAt < this.degradedForMs;
    const status = circuit === 'OPEN' ? 'UNAVAILABLE' : circuit === 'HALF_OPEN' || recentlyFailed ? 'DEGRADED' : 'HEALTHY';
    return {
      status,
      circuit,
      lastError: this.lastError,
      recentLatencyMs: median(this.latencies),
      apiUsage: this.apiUsage,
    };
  }
}

function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const value = sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  return Math.round(value * 10) / 10;
}
