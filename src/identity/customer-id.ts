import { randomBytes } from 'node:crypto';

/**
 * A new golden customer id: `cus_` + 9 base-36 digits of the creation time + 16 random
 * hex digits. Opaque to callers; the time prefix makes ids sort by age, which is how a
 * merge picks its survivor (the older customer) without reading anything.
 */
export function newCustomerId(now: number = Date.now()): string {
  return `cus_${now.toString(36).padStart(9, '0')}${randomBytes(8).toString('hex')}`;
}

/** True when `value` has the shape of a customer id (no store read). */
export function isCustomerId(value: string): boolean {
  return /^cus_[0-9a-z]{9}[0-9a-f]{16}$/.test(value);
}
