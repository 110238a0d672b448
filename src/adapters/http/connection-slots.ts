/** Hands a slot back; calling it twice is harmless. */
export type ReleaseSlot = () => void;

interface Waiter {
  grant: (release: ReleaseSlot) => void;
}

/** The lane of calls that name none. */
const SHARED_LANE = Symbol('shared lane');

/**
 * The gateway's own queue in front of one source: at most `size` calls in flight (the
 * source's connection limit), the rest waiting here rather than inside the HTTP pool, so
 * the client knows when a call is really sent. Time spent waiting is ours, never the
 * source's: it is not part of a call's time budget and never counts as a source failure.
 *
 * Waiting calls are grouped by lane (who they are for, e.g. one request's loaders) and
 * lanes are served in turn, one call each, so a 1,000-id batch queued behind the slots
 * does not hold up another caller's single read for longer than one call.
 */
export class ConnectionSlots {
  private inFlight = 0;
  /** Lanes with waiting calls; Map order is the turn order (a served lane moves to the back). */
  private readonly lanes = new Map<unknown, Waiter[]>();

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 1) throw new TypeError(`ConnectionSlots size must be a whole number of at least 1, got ${size}`);
  }

  /** Calls waiting for a slot. */
  get waiting(): number {
    let count = 0;
    for (const queue of this.lanes.values()) count += queue.length;
    return count;
  }

  /** Calls holding a slot. */
  get busy(): number {
    return this.inFlight;
  }

  /**
   * Resolves with a release function once a slot is free and it is this lane's turn.
   * Rejects with the signal's reason if the signal fires first (the call then never holds a slot).
   */
  acquire(lane: unknown = SHARED_LANE, signal?: AbortSignal): Promise<ReleaseSlot> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.inFlight < this.size && this.lanes.size === 0) {
      this.inFlight += 1;
      return Promise.resolve(this.releaser());
    }
    return new Promise<ReleaseSlot>((resolve, reject) => {
      const onAbort = (): void => {
        const queue = this.lanes.get(lane);
        const at = queue?.indexOf(waiter) ?? -1;
        if (queue && at >= 0) {
          queue.splice(at, 1);
          if (queue.length === 0) this.lanes.delete(lane);
        }
        reject(signal!.reason);
      };
      const waiter: Waiter = {
        grant: (release) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(release);
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const queue = this.lanes.get(lane);
      if (queue) queue.push(waiter);
      else this.lanes.set(lane, [waiter]);
    });
  }

  private releaser(): ReleaseSlot {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.inFlight -= 1;
      this.grantNext();
    };
  }

  /** Gives free slots to the lanes in turn: the first lane's oldest call, then that lane goes to the back. */
  private grantNext(): void {
    while (this.inFlight < this.size && this.lanes.size > 0) {
      const [lane, queue] = this.lanes.entries().next().value as [unknown, Waiter[]];
      const waiter = queue.shift()!;
      this.lanes.delete(lane);
      if (queue.length > 0) this.lanes.set(lane, queue);
      this.inFlight += 1;
      waiter.grant(this.releaser());
    }
  }
}
