/**
 * `items.map(fn)` with at most `limit` calls of `fn` in flight, results in order. For a
 * vendor that reads one record a call: the calls beyond the limit wait here, not as
 * hundreds of queued requests each listening for their caller's abort.
 */
export async function mapInFlight<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let index = next++; index < items.length; index = next++) results[index] = await fn(items[index]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
