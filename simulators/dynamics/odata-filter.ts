/**
 * The OData v4 `$filter` subset the Dataverse simulator understands: comparisons
 * (`eq ne gt ge lt le`) of a column with a literal, `and`, `or`, `not`, parentheses, and
 * Dataverse's `Microsoft.Dynamics.CRM.In(PropertyName='col',PropertyValues=['a','b'])`
 * query function. Literals: `'text'` (a quote doubled inside), numbers, `true`, `false`,
 * `null`, GUIDs and datetimes unquoted (`2025-03-01T10:20:30Z`). Text compares ignoring
 * case, as Dataverse's SQL collation does.
 * https://learn.microsoft.com/en-us/power-apps/developer/data-platform/webapi/query/filter-rows
 * https://learn.microsoft.com/en-us/power-apps/developer/data-platform/webapi/reference/in
 * https://docs.oasis-open.org/odata/odata/v4.01/odata-v4.01-part2-url-conventions.html#sec_BuiltinFilterOperations
 */

/** A parsed filter: a predicate over a row. */
export type ODataPredicate = (row: Readonly<Record<string, unknown>>) => boolean;

/** A filter that cannot be parsed, or names a column the table lacks. */
export class ODataFilterError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ODataFilterError';
  }
}

type Literal = string | number | boolean | null | { guid: string } | { datetime: number };
type Token = { kind: 'name' | 'op' | 'literal' | 'punct'; text: string; value?: Literal };

const TOKEN = /\s*(?:('(?:[^']|'')*')|([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})(?![\w-])|(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2}))|(-?\d+(?:\.\d+)?)(?![\w.-])|([A-Za-z_][\w.]*)|([(),=[\]]))/y;
const OPERATORS = new Set(['eq', 'ne', 'gt', 'ge', 'lt', 'le', 'and', 'or', 'not']);
const IN_FUNCTION = 'Microsoft.Dynamics.CRM.In';

/** Parses `$filter` text over a table whose columns are `columns`; throws {@link ODataFilterError}. */
export function parseODataFilter(text: string, columns: ReadonlySet<string>): ODataPredicate {
  const tokens = tokenize(text);
  let position = 0;
  const peek = (): Token | undefined => tokens[position];
  const next = (): Token => {
    const token = tokens[position++];
    if (!token) throw new ODataFilterError(`Syntax error: '${text}' ends too early.`);
    return token;
  };
  const expect = (text_: string): void => {
    const token = next();
    if (token.text !== text_) throw new ODataFilterError(`Syntax error at '${token.text}': expected '${text_}'.`);
  };
  const column = (name: string): string => {
    if (!columns.has(name)) throw new ODataFilterError(`Could not find a property named '${name}' on type 'Microsoft.Dynamics.CRM.contact'.`);
    return name;
  };

  const orExpression = (): ODataPredicate => {
    let left = andExpression();
    while (peek()?.text === 'or') {
      position++;
      const [a, b] = [left, andExpression()];
      left = (row) => a(row) || b(row);
    }
    return left;
  };
  const andExpression = (): ODataPredicate => {
    let left = unary();
    while (peek()?.text === 'and') {
      position++;
      const [a, b] = [left, unary()];
      left = (row) => a(row) && b(row);
    }
    return left;
  };
  const unary = (): ODataPredicate => {
    if (peek()?.text === 'not') {
      position++;
      const inner = unary();
      return (row) => !inner(row);
    }
    return primary();
  };
  const literal = (): Literal => {
    const token = next();
    if (token.kind !== 'literal') throw new ODataFilterError(`Syntax error at '${token.text}': expected a value.`);
    return token.value!;
  };
  const primary = (): ODataPredicate => {
    const token = next();
    if (token.text === '(') {
      const inner = orExpression();
      expect(')');
      return inner;
    }
    if (token.text === IN_FUNCTION) {
      expect('(');
      expectName('PropertyName');
      expect('=');
      const name = column(stringLiteral(literal()));
      expect(',');
      expectName('PropertyValues');
      expect('=');
      expect('[');
      const values: Literal[] = [literal()];
      while (peek()?.text === ',') {
        position++;
        values.push(literal());
      }
      expect(']');
      expect(')');
      return (row) => values.some((value) => compare(row[name], value) === 0);
    }
    if (token.kind !== 'name') throw new ODataFilterError(`Syntax error at '${token.text}': expected a property name.`);
    const name = column(token.text);
    const operator = next();
    if (operator.kind !== 'op' || ['and', 'or', 'not'].includes(operator.text)) {
      throw new ODataFilterError(`Syntax error at '${operator.text}': expected a comparison operator.`);
    }
    const value = literal();
    return (row) => {
      const order = compare(row[name], value);
      switch (operator.text) {
        case 'eq': return order === 0;
        case 'ne': return order !== 0;
        case 'gt': return order !== null && order > 0;
        case 'ge': return order !== null && order >= 0;
        case 'lt': return order !== null && order < 0;
        default: return order !== null && order <= 0;
      }
    };
  };
  const expectName = (name: string): void => {
    const token = next();
    if (token.text !== name) throw new ODataFilterError(`Syntax error at '${token.text}': expected '${name}'.`);
  };

  const predicate = orExpression();
  if (position !== tokens.length) throw new ODataFilterError(`Syntax error at '${tokens[position]!.text}': expected the end of the filter.`);
  return predicate;
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  TOKEN.lastIndex = 0;
  let index = 0;
  while (index < text.length) {
    if (/^\s+$/.test(text.slice(index))) break;
    TOKEN.lastIndex = index;
    const match = TOKEN.exec(text);
    if (!match) throw new ODataFilterError(`Syntax error at position ${index} in '${text}'.`);
    index = TOKEN.lastIndex;
    const [, quoted, guid, datetime, number, name, punct] = match;
    if (quoted !== undefined) tokens.push({ kind: 'literal', text: quoted, value: quoted.slice(1, -1).replace(/''/g, "'") });
    else if (guid !== undefined) tokens.push({ kind: 'literal', text: guid, value: { guid: guid.toLowerCase() } });
    else if (datetime !== undefined) tokens.push({ kind: 'literal', text: datetime, value: { datetime: Date.parse(datetime) } });
    else if (number !== undefined) tokens.push({ kind: 'literal', text: number, value: Number(number) });
    else if (name !== undefined) {
      if (name === 'true' || name === 'false') tokens.push({ kind: 'literal', text: name, value: name === 'true' });
      else if (name === 'null') tokens.push({ kind: 'literal', text: name, value: null });
      else tokens.push({ kind: OPERATORS.has(name) ? 'op' : 'name', text: name });
    } else tokens.push({ kind: 'punct', text: punct! });
  }
  return tokens;
}

function stringLiteral(value: Literal): string {
  if (typeof value !== 'string') throw new ODataFilterError('Syntax error: PropertyName takes a quoted column name.');
  return value;
}

/**
 * How a row's value orders against a literal: negative, 0, positive, or null when they
 * do not compare (a null against a value). Text ignores case; a datetime column compares
 * as a time; a GUID column compares with a GUID or a quoted GUID.
 */
function compare(actual: unknown, literal: Literal): number | null {
  if (literal === null || actual === null || actual === undefined) return literal === null && (actual === null || actual === undefined) ? 0 : null;
  if (typeof literal === 'object' && 'datetime' in literal) {
    const time = typeof actual === 'string' ? Date.parse(actual) : NaN;
    return Number.isNaN(time) ? null : Math.sign(time - literal.datetime);
  }
  const expected = typeof literal === 'object' ? literal.guid : literal;
  if (typeof actual === 'string' && typeof expected === 'string') {
    const [a, b] = [actual.toLowerCase(), expected.toLowerCase()];
    return a === b ? 0 : a < b ? -1 : 1;
  }
  if (typeof actual === 'number' && typeof expected === 'number') return Math.sign(actual - expected);
  if (typeof actual === 'boolean' && typeof expected === 'boolean') return actual === expected ? 0 : null;
  return null;
}
