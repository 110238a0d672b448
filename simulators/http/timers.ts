/** Timers a simulator can cancel all at once when it stops. */
export interface TimerSet {
  /** Resolves after `ms` (never, once cleared). */
  delay(ms: number): Promise<void>;
  /** Runs `task` after `ms` unless cleared first. */
  later(task: () => void, ms: number): void;
  /** Cancels every pending timer. */
  clear(): void;
}

/** Creates an empty set of cancellable timers. */
export function createTimerSet(): TimerSet {
  const timers = new Set<NodeJS.Timeout>();
  const later = (task: () => void, ms: number): void => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      task();
    }, ms);
    timers.add(timer);
  };
  return {
    delay: (ms) => new Promise((resolve) => later(resolve, ms)),
    later,
    clear: () => {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    },
  };
}
