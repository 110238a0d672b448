import SCIMMY from 'scimmy';

/**
 * SCIM filters (RFC 7644 section 3.4.2.2) parsed and matched with scimmy, plus the two
 * things scimmy 1.3.5 does not do:
 * - string values are JSON strings, so `"a\"b"` and `"a\\b"` are legal; scimmy's tokenizer
 *   stops at the first quote, so literals are decoded here and swapped for placeholders;
 * - scimmy compares case-sensitively, but RFC 7643 declares `userName` and `emails.value`
 *   caseExact=false: their literals are lower-cased here, and matching runs on a view of
 *   each user with those attributes lower-cased (`caseFoldedView`).
 * https://datatracker.ietf.org/doc/html/rfc7644#section-3.4.2.2
 * https://datatracker.ietf.org/doc/html/rfc7643#section-4.1.1 (userName caseExact false)
 */

/** A parsed filter, ready to match case-folded views. */
export interface ScimFilter {
  /** The expression scimmy built, with literals restored (and folded where RFC 7643 says). */
  readonly expression: unknown[];
  /** Matches views (see `caseFoldedView`) and returns those that pass. */
  match<T extends object>(views: T[]): T[];
  /**
   * When every `or` branch of the filter is one `attr eq "value"` on an indexed attribute
   * (`id eq "a" or id eq "b" ...`, the adapter's batched read), those equalities, so the
   * simulator can narrow the candidates by index before the matcher runs; else null.
   */
  readonly indexedEqualities: readonly IndexedEquality[] | null;
}

/** One `attr eq "value"` on an indexed attribute. */
export interface IndexedEquality {
  attribute: IndexedAttribute;
  value: string;
}

/** Attributes the simulator keeps an index for. */
export type IndexedAttribute = 'userName' | 'emails.value' | 'phoneNumbers.value' | 'externalId' | 'id';

/** A filter the client sent is not valid SCIM: answer 400 invalidFilter. */
export class ScimFilterError extends Error {
  override readonly name = 'ScimFilterError';
}

const PLACEHOLDER = (index: number): string => `__scim_literal_${index}__`;
const CASE_INSENSITIVE = new Set(['username']);
const VALUE_OPERATORS = new Set(['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'lt', 'ge', 'le']);

/** Parses a filter string; throws ScimFilterError when it is not a valid filter. */
export function parseScimFilter(text: string): ScimFilter {
  const literals: unknown[] = [];
  let rewritten = '';
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i] as string;
    if (ch !== '"') {
      rewritten += ch;
      continue;
    }
    let end = i + 1;
    while (end < text.length && text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
    if (end >= text.length) throw new ScimFilterError('Unterminated string literal in filter');
    try {
      literals.push(JSON.parse(text.slice(i, end + 1)));
    } catch {
      throw new ScimFilterError(`Invalid string literal ${text.slice(i, end + 1)} in filter`);
    }
    rewritten += `"${PLACEHOLDER(literals.length - 1)}"`;
    i = end;
  }
  let parsed: unknown[];
  try {
    parsed = [...new SCIMMY.Types.Filter(rewritten)];
  } catch (error) {
    throw new ScimFilterError(error instanceof Error ? error.message : 'Invalid filter');
  }
  const expression = parsed.map((branch) => restore(branch, literals, false));
  const filter = new SCIMMY.Types.Filter(expression);
  return {
    expression,
    match: <T extends object>(views: T[]) => filter.match(views) as T[],
    indexedEqualities: indexedEqualitiesOf(expression),
  };
}

/** A copy of a user for matching: `userName` and `emails[].value` lower-cased (caseExact=false). */
export function caseFoldedView<T extends { userName: string; emails?: { value: string }[] }>(user: T): T {
  return {
    ...user,
    userName: user.userName.toLowerCase(),
    ...(user.emails ? { emails: user.emails.map((email) => ({ ...email, value: email.value.toLowerCase() })) } : {}),
  };
}

/** Puts literals back in place of placeholders, lower-casing those compared with case-insensitive attributes. */
function restore(node: unknown, literals: unknown[], fold: boolean): unknown {
  if (Array.isArray(node)) {
    // scimmy accepts `userName eq` with no value; RFC 7644 does not.
    const operatorAt = node.findIndex((part) => typeof part === 'string' && VALUE_OPERATORS.has(part.toLowerCase()));
    if (operatorAt >= 0 && node.length <= operatorAt + 1) {
      throw new ScimFilterError(`Operator '${String(node[operatorAt])}' needs a value in filter`);
    }
    return node.map((part) => {
      if (typeof part !== 'string') return restore(part, literals, fold);
      const match = /^__scim_literal_(\d+)__$/.exec(part);
      if (!match) return part;
      const value = literals[Number(match[1])];
      return fold && typeof value === 'string' ? value.toLowerCase() : value;
    });
  }
  if (typeof node !== 'object' || node === null) return node;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(node)) {
    const lower = key.toLowerCase();
    // emails is complex: only its `value` sub-attribute is case-insensitive.
    out[key] = lower === 'emails' ? restoreEmails(child, literals) : restore(child, literals, fold || CASE_INSENSITIVE.has(lower));
  }
  return out;
}

function restoreEmails(node: unknown, literals: unknown[]): unknown {
  if (typeof node !== 'object' || node === null || Array.isArray(node)) return restore(node, literals, false);
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(node)) out[key] = restore(child, literals, key.toLowerCase() === 'value');
  return out;
}

function indexedEqualitiesOf(expression: unknown[]): IndexedEquality[] | null {
  const equalities = expression.map(equalityOf);
  return equalities.length > 0 && equalities.every((equality) => equality !== null) ? (equalities as IndexedEquality[]) : null;
}

/** The equality when one `or` branch (an object of attribute -> test) is one `attr eq "value"` on an indexed attribute. */
function equalityOf(node: unknown): IndexedEquality | null {
  if (typeof node !== 'object' || node === null || Array.isArray(node)) return null;
  const branch = node as Record<string, unknown>;
  const keys = Object.keys(branch);
  if (keys.length !== 1) return null;
  const key = keys[0] as string;
  const test = (node: unknown): string | null =>
    Array.isArray(node) && node.length === 2 && node[0] === 'eq' && typeof node[1] === 'string' ? node[1] : null;
  const lower = key.toLowerCase();
  if (lower === 'emails' || lower === 'phonenumbers') {
    const sub = branch[key] as Record<string, unknown>;
    const subKeys = Object.keys(sub ?? {});
    if (subKeys.length !== 1 || subKeys[0]?.toLowerCase() !== 'value') return null;
    const value = test(sub[subKeys[0]]);
    if (value === null) return null;
    return { attribute: lower === 'emails' ? 'emails.value' : 'phoneNumbers.value', value };
  }
  const value = test(branch[key]);
  if (value === null) return null;
  if (lower === 'username') return { attribute: 'userName', value };
  if (lower === 'externalid') return { attribute: 'externalId', value };
  if (lower === 'id') return { attribute: 'id', value };
  return null;
}
