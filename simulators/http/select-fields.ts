/**
 * Partial responses by dotted field paths, as Mailchimp's `fields` and `exclude_fields`
 * query parameters work (`members.email_address,total_items`). Arrays are walked through:
 * a path below an array applies to each element.
 * https://mailchimp.com/developer/marketing/docs/methods-parameters/#partial-responses
 */
export function selectFields(value: unknown, include: readonly string[] | null, exclude: readonly string[] | null): unknown {
  let out = value;
  if (include && include.length > 0) out = keep(out, include.map((path) => path.split('.')));
  if (exclude && exclude.length > 0) out = drop(out, exclude.map((path) => path.split('.')));
  return out;
}

function keep(value: unknown, paths: string[][]): unknown {
  if (Array.isArray(value)) return value.map((item) => keep(item, paths));
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    const matching = paths.filter((path) => path[0] === key);
    if (matching.length === 0) continue;
    // A path that ends here keeps the whole child; longer ones keep parts of it.
    out[key] = matching.some((path) => path.length === 1) ? child : keep(child, matching.map((path) => path.slice(1)));
  }
  return out;
}

function drop(value: unknown, paths: string[][]): unknown {
  if (Array.isArray(value)) return value.map((item) => drop(item, paths));
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    const matching = paths.filter((path) => path[0] === key);
    if (matching.some((path) => path.length === 1)) continue;
    out[key] = matching.length === 0 ? child : drop(child, matching.map((path) => path.slice(1)));
  }
  return out;
}
