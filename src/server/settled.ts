/** Resolves once every promise in `pending` (a live map) has settled, or after `timeoutMs`. */
export async function settled(pending: ReadonlyMap<Promise<unknown>, unknown>, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
  try {
    while (pending.size > 0) {
      const all = Promise.allSettled([...pending.keys()]).then(() => 'done' as const);
      if ((await Promise.race([all, timeout])) !== 'done') return;
    }
  } finally {
    clearTimeout(timer);
  }
}
