import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Writes queued items in batches, off the caller's path: `add` returns at once; while one
 * batch is being written, newly added items wait and go together in the next. `drain`
 * resolves once everything queued so far is written (or given up); call it before the
 * store closes so that a clean shutdown loses nothing.
 */
export class BackgroundBatches<T> {
  private pending: T[] = [];
  private running: Promise<void> | null = null;

  /**
   * @param write writes one batch (at most `maxBatch` items)
   * @param onFailure told of a batch that could not be written; the items are dropped then
   * @param lingerMs how long a batch waits for more items before it is written (more items, fewer round trips)
   */
  constructor(
    private readonly write: (batch: T[]) => Promise<void>,
    private readonly onFailure: (error: unknown, batch: T[]) => void = () => undefined,
    private readonly maxBatch = 1000,
    private readonly lingerMs = 0,
  ) {}

  /** Queues items; returns at once. */
  add(items: readonly T[]): void {
    this.pending.push(...items);
    this.running ??= this.run();
  }

  /** Resolves once every item queued so far is written or given up. */
  async drain(): Promise<void> {
    while (this.running) await this.running;
  }

  private async run(): Promise<void> {
    while (this.pending.length > 0) {
      if (this.lingerMs > 0) await sleep(this.lingerMs);
      const batch = this.pending.splice(0, this.maxBatch);
      await this.write(batch).catch((error: unknown) => this.onFailure(error, batch));
    }
    this.running = null;
  }
}
