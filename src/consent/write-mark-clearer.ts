/**
 * Clears the write marks of acknowledged writes in batches, after the answer: a mark
 * that outlives its write is harmless (the sweeper finds the write done, makes sure of
 * its outbox rows and clears it), so clearing need not delay the caller. Marks that
 * pile up while one delete is in flight go together in the next one.
 */
export class WriteMarkClearer {
  private pending: string[] = [];
  private running: Promise<void> | null = null;

  /** `clear` deletes the marks with these ids (one `_id $in` delete). */
  constructor(private readonly clear: (markIds: string[]) => Promise<void>) {}

  /** Queues marks to clear; returns at once. */
  add(markIds: readonly string[]): void {
    this.pending.push(...markIds);
    this.running ??= this.run();
  }

  /** Resolves once every queued mark is cleared (or left to the sweeper); call before closing the store. */
  async drain(): Promise<void> {
    while (this.running) await this.running;
  }

  private async run(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, 1000);
      // A failed delete leaves its marks to the sweeper, which clears them after checking the writes.
      await this.clear(batch).catch(() => undefined);
    }
    this.running = null;
  }
}
