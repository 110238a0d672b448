/**
 * Salesforce record ids: a 15-character case-sensitive id plus a 3-character suffix
 * that makes the 18-character form case-insensitive-safe. The first three characters
 * are the object's key prefix (`003` for Contact).
 * https://help.salesforce.com/s/articleView?id=000385585&type=1
 */

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const SUFFIX_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';
const ID_PATTERN = /^[A-Za-z0-9]{15}(?:[A-Z0-5]{3})?$/;

/** The 18-character form of a 15- or 18-character id, or null when it is not an id at all. */
export function toCaseSafeId(id: string): string | null {
  if (!ID_PATTERN.test(id)) return null;
  const base = id.slice(0, 15);
  let suffix = '';
  for (let chunk = 0; chunk < 3; chunk += 1) {
    let bits = 0;
    for (let i = 0; i < 5; i += 1) {
      const ch = base.charCodeAt(chunk * 5 + i);
      if (ch >= 65 && ch <= 90) bits |= 1 << i; // an upper-case letter sets the bit
    }
    suffix += SUFFIX_ALPHABET[bits];
  }
  const full = base + suffix;
  // An 18-character id whose suffix does not match its first 15 characters is not an id.
  return id.length === 18 && id !== full ? null : full;
}

/** A deterministic 18-character id: key prefix, then `serial` in base 62 as the record number. */
export function salesforceIdFor(keyPrefix: string, serial: number, pod = '5e0'): string {
  let digits = '';
  let n = serial;
  do {
    digits = BASE62[n % 62] + digits;
    n = Math.floor(n / 62);
  } while (n > 0);
  const body = (keyPrefix + pod + '0'.repeat(15)).slice(0, 15 - digits.length) + digits;
  return toCaseSafeId(body) as string;
}
