/**
 * Small helpers the vendor mappers share: vendors write "no value" as null, '' or
 * whitespace, and records leave absent members out rather than holding undefined.
 */

/** A string with something in it, else undefined. */
export function nonEmptyText(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

/** The object without its undefined members, so records compare and serialise cleanly. */
export function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, member]) => member !== undefined)) as T;
}
