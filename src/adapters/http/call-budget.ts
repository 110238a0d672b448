/**
 * One call's time budget: a signal that fires `ms` after {@link start}, which the client
 * calls when the call is sent (has a connection slot), so time spent queueing is never
 * charged to the call. Starting twice keeps the first start (retries share the budget).
 */
export class CallBudget {
  private readonly controller = new AbortController();
  private timer: NodeJS.Timeout | undefined;

  constructor(readonly ms: number) {}

  /** Fires when the budget runs out. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Whether the budget has run out. */
  get expired(): boolean {
    return this.controller.signal.aborted;
  }

  /** Starts the clock, once. */
  start(): void {
    if (this.timer !== undefined || this.expired) return;
    this.timer = setTimeout(
      () => this.controller.abort(new DOMException(`call budget of ${this.ms} ms ran out`, 'TimeoutError')),
      this.ms,
    );
  }

  /** Stops the clock (the call is over). */
  stop(): void {
    clearTimeout(this.timer);
  }
}
