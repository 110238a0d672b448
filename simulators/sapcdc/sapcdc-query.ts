/**
 * The subset of `accounts.search`'s SQL-like query language the simulator understands:
 * https://help.sap.com/docs/SAP_CUSTOMER_DATA_CLOUD/8b8d6fffe113457094a17701f63e3d6a/b32ce0918af44c3ebd7e96650fa6cc1d.html
 *
 *     SELECT * | field, ... FROM accounts
 *       [WHERE condition] [ORDER BY field [ASC|DESC]] [START n] [LIMIT n]
 *
 * Conditions: `field = value`, `!=`, `<`, `<=`, `>`, `>=`, `field IN (v, ...)`, `field
 * CONTAINS value` (case-insensitive), `field IS [NOT] NULL`, joined by `AND`, `OR`, `NOT`
 * and parentheses. Strings in double quotes (single quotes are taken too), a backslash
 * escapes a quote or a backslash; numbers and `true`/`false` bare. A field is a dotted path
 * (`profile.email`, `subscriptions.newsletter.email.isSubscribed`); where the path crosses
 * an array (`emails.verified`, `profile.phones.number`), any element matching is a match.
 * Clauses out of that order are an error, as Gigya's are.
 */

/** A parsed query. */
export interface AccountQuery {
  /** null for `*`. */
  fields: string[] | null;
  where: (account: unknown) => boolean;
  orderBy: { field: string; descending: boolean } | null;
  start: number;
  limit: number | null;
}

/** A query the parser refuses; its message says where. */
export class AccountQueryError extends Error {}

type Token = { kind: 'word' | 'string' | 'number' | 'op' | 'punct'; text: string };

const TOKEN = /\s*(?:("(?:[^"\\]|\\.)*")|('(?:[^'\\]|\\.)*')|(-?\d+(?:\.\d+)?)(?![\w.])|(<=|>=|!=|<>|=|<|>)|([(),*])|([A-Za-z_][\w.]*))/y;

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < text.length) {
    if (/^\s*$/.test(text.slice(TOKEN.lastIndex))) break;
    const at = TOKEN.lastIndex;
    const match = TOKEN.exec(text);
    if (!match) throw new AccountQueryError(`unexpected character at position ${at}: ${text.slice(at, at + 10)}`);
    const [, dq, sq, num, op, punct, word] = match;
    if (dq ?? sq) tokens.push({ kind: 'string', text: (dq ?? sq)!.slice(1, -1).replace(/\\(.)/g, '$1') });
    else if (num !== undefined) tokens.push({ kind: 'number', text: num });
    else if (op !== undefined) tokens.push({ kind: 'op', text: op === '<>' ? '!=' : op });
    else if (punct !== undefined) tokens.push({ kind: 'punct', text: punct });
    else tokens.push({ kind: 'word', text: word! });
  }
  return tokens;
}

/** Parses a query over `accounts`; throws an {@link AccountQueryError} for anything else. */
export function parseAccountQuery(text: string): AccountQuery {
  const tokens = tokenize(text);
  let position = 0;
  const peek = (): Token | undefined => tokens[position];
  const keyword = (word: string): boolean => {
    const token = peek();
    if (token?.kind === 'word' && token.text.toUpperCase() === word) {
      position += 1;
      return true;
    }
    return false;
  };
  const expect = (word: string): void => {
    if (!keyword(word)) throw new AccountQueryError(`expected ${word} at token ${position + 1}`);
  };
  const field = (): string => {
    const token = tokens[position++];
    if (token?.kind !== 'word' || RESERVED.has(token.text.toUpperCase())) throw new AccountQueryError(`expected a field name at token ${position}`);
    return token.text;
  };
  const value = (): unknown => {
    const token = tokens[position++];
    if (token?.kind === 'string') return token.text;
    if (token?.kind === 'number') return Number(token.text);
    if (token?.kind === 'word' && /^(true|false)$/i.test(token.text)) return token.text.toLowerCase() === 'true';
    throw new AccountQueryError(`expected a value at token ${position}`);
  };
  const punct = (text: string): boolean => {
    if (peek()?.kind === 'punct' && peek()!.text === text) {
      position += 1;
      return true;
    }
    return false;
  };

  expect('SELECT');
  let fields: string[] | null = null;
  if (!punct('*')) {
    fields = [field()];
    while (punct(',')) fields.push(field());
  }
  expect('FROM');
  const source = tokens[position++];
  if (source?.kind !== 'word' || source.text !== 'accounts') throw new AccountQueryError('the only data source is accounts');

  const condition = (): ((account: unknown) => boolean) => {
    let left = conjunction();
    while (keyword('OR')) {
      const [a, b] = [left, conjunction()];
      left = (account) => a(account) || b(account);
    }
    return left;
  };
  const conjunction = (): ((account: unknown) => boolean) => {
    let left = factor();
    while (keyword('AND')) {
      const [a, b] = [left, factor()];
      left = (account) => a(account) && b(account);
    }
    return left;
  };
  const factor = (): ((account: unknown) => boolean) => {
    if (keyword('NOT')) {
      const inner = factor();
      return (account) => !inner(account);
    }
    if (punct('(')) {
      const inner = condition();
      if (!punct(')')) throw new AccountQueryError(`expected ) at token ${position + 1}`);
      return inner;
    }
    const path = field();
    if (keyword('IS')) {
      const negated = keyword('NOT');
      expect('NULL');
      return (account) => valuesAt(account, path).length === 0 !== negated;
    }
    if (keyword('IN')) {
      if (!punct('(')) throw new AccountQueryError(`expected ( after IN at token ${position + 1}`);
      const list = [value()];
      while (punct(',')) list.push(value());
      if (!punct(')')) throw new AccountQueryError(`expected ) at token ${position + 1}`);
      return (account) => valuesAt(account, path).some((found) => list.includes(found));
    }
    if (keyword('CONTAINS')) {
      const wanted = String(value()).toLowerCase();
      return (account) => valuesAt(account, path).some((found) => String(found).toLowerCase().includes(wanted));
    }
    const op = tokens[position++];
    if (op?.kind !== 'op') throw new AccountQueryError(`expected an operator after ${path}`);
    const wanted = value();
    return (account) => valuesAt(account, path).some((found) => compare(found, op.text, wanted));
  };

  const where = keyword('WHERE') ? condition() : () => true;
  let orderBy: AccountQuery['orderBy'] = null;
  if (keyword('ORDER')) {
    expect('BY');
    const by = field();
    const descending = keyword('DESC');
    if (!descending) keyword('ASC');
    orderBy = { field: by, descending };
  }
  let start = 0;
  let limit: number | null = null;
  for (;;) {
    if (keyword('START')) start = count();
    else if (keyword('LIMIT')) limit = count();
    else break;
  }
  if (position < tokens.length) throw new AccountQueryError(`unexpected ${tokens[position]!.text} at token ${position + 1} (clauses go SELECT, FROM, WHERE, ORDER BY, START/LIMIT)`);
  return { fields, where, orderBy, start, limit };

  function count(): number {
    const token = tokens[position++];
    if (token?.kind !== 'number' || !/^\d+$/.test(token.text)) throw new AccountQueryError(`expected a whole number at token ${position}`);
    return Number(token.text);
  }
}

const RESERVED = new Set(['SELECT', 'FROM', 'WHERE', 'AND', 'OR', 'NOT', 'IN', 'IS', 'NULL', 'CONTAINS', 'ORDER', 'BY', 'ASC', 'DESC', 'LIMIT', 'START']);

/** Every value at a dotted path, looking into arrays on the way. */
export function valuesAt(root: unknown, path: string): unknown[] {
  let current: unknown[] = [root];
  for (const part of path.split('.')) {
    current = current
      .flatMap((node) => (Array.isArray(node) ? node : [node]))
      .flatMap((node) => (node !== null && typeof node === 'object' && part in node ? [(node as Record<string, unknown>)[part]] : []));
  }
  return current.flatMap((node) => (Array.isArray(node) ? node : [node])).filter((node) => node !== null && node !== undefined);
}

function compare(found: unknown, op: string, wanted: unknown): boolean {
  if (op === '=') return found === wanted;
  if (op === '!=') return found !== wanted;
  if (typeof found !== typeof wanted || (typeof found !== 'number' && typeof found !== 'string')) return false;
  const [a, b] = [found as number | string, wanted as number | string];
  return op === '<' ? a < b : op === '<=' ? a <= b : op === '>' ? a > b : a >= b;
}
