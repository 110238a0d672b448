/**
 * Whether a value is a Contact id Salesforce would accept in a filter: key prefix `003`,
 * 15 case-sensitive characters, optionally the 3-character suffix that makes the
 * 18-character form case-insensitive (which must match the first 15). One malformed id
 * in `Id IN (...)` fails the whole query, so such a value is answered as a miss instead.
 * https://help.salesforce.com/s/articleView?id=000385585&type=1
 */
export function isContactId(value: string): boolean {
  if (!/^003[A-Za-z0-9]{12}(?:[A-Za-z0-9]{3})?$/.test(value)) return false;
  return value.length === 15 || value.slice(15).toUpperCase() === caseSafeSuffix(value.slice(0, 15));
}

/** The 18-character id's last three characters: one per 5 characters, a bit per upper-case letter. */
function caseSafeSuffix(id15: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';
  let suffix = '';
  for (let chunk = 0; chunk < 3; chunk += 1) {
    let bits = 0;
    for (let i = 0; i < 5; i += 1) {
      const code = id15.charCodeAt(chunk * 5 + i);
      if (code >= 65 && code <= 90) bits |= 1 << i;
    }
    suffix += alphabet[bits];
  }
  return suffix;
}
