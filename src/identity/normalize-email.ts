/**
 * The email identity key: trimmed and lower-cased (DESIGN.md "Identity keys").
 *
 * The whole address is lower-cased, local part included: RFC 5321 lets a server treat
 * the local part as case-sensitive, but no mainstream provider does, and matching
 * `Jane@x` and `jane@x` as one person is what every CRM and ESP in the federation does.
 * Returns null when the value is not shaped like an address (no key is made).
 */
export function normalizeEmail(raw: string | null | undefined): string | null {
  if (typeof raw !== 'string') return null;
  const value = raw.trim().toLowerCase();
  // One @, something on both sides, a dot in the domain, no whitespace: enough to avoid
  // keying on placeholders such as "n/a" or "unknown@" without rejecting real addresses.
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value) ? value : null;
}
