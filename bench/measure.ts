/** Latency figures of repeated runs, in milliseconds. */
export interface Timing {
  runs: number;
  p50: number;
  p99: number;
  mean: number;
}

/** Runs `fn` `runs` times (after `warmup` unmeasured runs) and returns the latency figures. */
export async function timeRuns(runs: number, fn: () => Promise<unknown>, warmup = 1): Promise<Timing> {
  for (let i = 0; i < warmup; i++) await fn();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = process.hrtime.bigint();
    await fn();
    samples.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  samples.sort((a, b) => a - b);
  const at = (q: number) => samples[Math.min(samples.length - 1, Math.ceil(q * samples.length) - 1)]!;
  return { runs, p50: at(0.5), p99: at(0.99), mean: samples.reduce((a, b) => a + b, 0) / samples.length };
}

/**
 * Times several functions run in turns (a, b, a, b, ...) after one unmeasured turn, so
 * that caches and the machine's noise treat them alike; one Timing per function.
 */
export async function timeInTurns(runs: number, fns: readonly (() => Promise<unknown>)[]): Promise<Timing[]> {
  for (const fn of fns) await fn();
  const samples: number[][] = fns.map(() => []);
  for (let i = 0; i < runs; i++) {
    for (const [index, fn] of fns.entries()) {
      const started = process.hrtime.bigint();
      await fn();
      samples[index]!.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
  }
  return samples.map((list) => {
    list.sort((a, b) => a - b);
    const at = (q: number) => list[Math.min(list.length - 1, Math.ceil(q * list.length) - 1)]!;
    return { runs, p50: at(0.5), p99: at(0.99), mean: list.reduce((a, b) => a + b, 0) / list.length };
  });
}

/** Throughput and per-operation latency of a run with several operations in flight. */
export interface Throughput {
  /** Operations per second. */
  rate: number;
  /** Per-operation latency, ms. */
  p50: number;
  p99: number;
}

/** Runs `total` operations with `concurrency` in flight and returns the rate and each operation's latency figures. */
export async function throughput(total: number, concurrency: number, op: (i: number) => Promise<unknown>): Promise<Throughput> {
  let next = 0;
  const samples: number[] = [];
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < total; i = next++) {
        const opStarted = process.hrtime.bigint();
        await op(i);
        samples.push(Number(process.hrtime.bigint() - opStarted) / 1e6);
      }
    }),
  );
  const rate = total / (Number(process.hrtime.bigint() - started) / 1e9);
  samples.sort((a, b) => a - b);
  const at = (q: number) => samples[Math.min(samples.length - 1, Math.ceil(q * samples.length) - 1)]!;
  return { rate, p50: at(0.5), p99: at(0.99) };
}

/** A fixed-width number for the report. */
export function fmt(value: number, digits = 1): string {
  return value.toFixed(digits).padStart(9);
}
