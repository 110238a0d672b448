/** When failed deliveries are tried again: capped exponential backoff with full jitter. */
export interface RetrySchedule {
  /** Attempts in all, the first included; after the last a row is DEAD. */
  maxAttempts: number;
  /** The ceiling of the first retry's delay, in ms (it is drawn from [0, baseMs)). */
  baseMs: number;
  /** The largest ceiling any retry's delay is drawn under, in ms. */
  capMs: number;
}

/**
 * The default: the first retry within 2 s, ceilings doubling to 2 h, 30 attempts. The
 * ceilings add up to about 39 h, so with full jitter (half of each on average) a row
 * that keeps failing is given up after about a day.
 */
export const defaultRetrySchedule: RetrySchedule = Object.freeze({ maxAttempts: 30, baseMs: 2000, capMs: 2 * 60 * 60 * 1000 });

/**
 * The delay before the attempt after `attempt` (1 = after the first failure): full
 * jitter, a uniform draw under min(cap, base * 2^(attempt-1)) (AWS Architecture Blog,
 * "Exponential Backoff And Jitter"), never shorter than the system's `Retry-After`.
 */
export function retryDelayMs(schedule: RetrySchedule, attempt: number, retryAfterMs = 0, random: () => number = Math.random): number {
  const ceiling = Math.min(schedule.capMs, schedule.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.max(retryAfterMs, Math.floor(random() * ceiling));
}

/** Reads `maxAttempts=30,baseMs=2000,capMs=7200000` (any subset); the rest from the default. */
export function parseRetrySchedule(text: string): RetrySchedule {
  const schedule: RetrySchedule = { ...defaultRetrySchedule };
  for (const part of text.split(',').map((item) => item.trim()).filter(Boolean)) {
    const [name, value] = part.split('=').map((item) => item.trim());
    const number = Number(value);
    if (!(name! in schedule) || !Number.isInteger(number) || number < (name === 'maxAttempts' ? 1 : 0)) {
      throw new Error(`"${part}" is not a retry setting; use maxAttempts=<n >= 1>, baseMs=<ms>, capMs=<ms>, comma-separated.`);
    }
    schedule[name as keyof RetrySchedule] = number;
  }
  return schedule;
}
