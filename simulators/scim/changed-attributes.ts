/**
 * The attributes a change altered, as paths a SCIM PATCH would name: a core attribute by
 * its name (`name`, `emails`, `active`), an extension's attribute by its URN and name
 * (`urn:...:User:emailMarketing`, RFC 7644 section 3.10). `meta` is left out: it changes
 * with every change. https://datatracker.ietf.org/doc/html/rfc7644#section-3.10
 */
export function changedAttributes(before: Record<string, unknown>, after: Record<string, unknown>): string[] {
  const changed: string[] = [];
  for (const name of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (name === 'meta' || name === 'schemas') continue;
    const left = before[name];
    const right = after[name];
    if (name.startsWith('urn:') && isObject(left) && isObject(right)) {
      for (const sub of new Set([...Object.keys(left), ...Object.keys(right)])) {
        if (!sameValue(left[sub], right[sub])) changed.push(`${name}:${sub}`);
      }
    } else if (!sameValue(left, right)) changed.push(name);
  }
  return changed;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** JSON values compared by content (the renderer gives a stable key order). */
function sameValue(left: unknown, right: unknown): boolean {
  return JSON.stringify(left) === JSON.stringify(right);
}
