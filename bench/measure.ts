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

/** Runs `total` operations with `concurrency` in flight and returns operations per second. */
export async function throughput(total: number, concurrency: number, op: (i: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < total; i = next++) await op(i);
    }),
  );
  return total / (Number(process.hrtime.bigint() - started) / 1e9);
}

/** A fixed-width number for the report. */
export function fmt(value: number, digits = 1): string {
  return value.toFixed(digits).padStart(9);
}
