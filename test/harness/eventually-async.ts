/** Polls an async `read` every `everyMs` until `accept` holds for its value or `timeoutMs` passes; returns the last value. */
export async function until<T>(read: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = 15_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (accept(value) || Date.now() >= deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
