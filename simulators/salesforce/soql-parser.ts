/**
 * A parser for the subset of SOQL an adapter needs against Contact:
 * `SELECT f, ... FROM Contact [WHERE cond] [ORDER BY f [ASC|DESC] [NULLS FIRST|LAST], ...] [LIMIT n] [OFFSET n]`,
 * where the SELECT list may hold parent-to-child subqueries `(SELECT f, ... FROM Relationship [WHERE cond] [LIMIT n])`,
 * where a condition is comparisons (`= != <> < <= > >=`, `IN (...)`, `NOT IN (...)`, `LIKE`)
 * joined by AND / OR / NOT with parentheses. As in Salesforce, AND and OR cannot be mixed
 * at one level without parentheses, and string literals use backslash escapes.
 * https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_select.htm
 * https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_select_quotedstringescapes.htm
 */

/** A literal value in a condition. */
export type SoqlValue =
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'null' }
  | { kind: 'date'; value: string }
  | { kind: 'datetime'; value: number };

/** A comparison operator. */
export type SoqlOperator = '=' | '!=' | '<' | '<=' | '>' | '>=' | 'IN' | 'NOT IN' | 'LIKE';

/** A WHERE condition tree. */
export type SoqlCondition =
  | { kind: 'compare'; field: string; operator: SoqlOperator; values: SoqlValue[] }
  | { kind: 'and' | 'or'; operands: SoqlCondition[] }
  | { kind: 'not'; operand: SoqlCondition };

/** One ORDER BY term. */
export interface SoqlOrder {
  field: string;
  descending: boolean;
  nullsLast: boolean;
}

/**
 * A parent-to-child subquery in the SELECT list, named by the child relationship
 * (`OpportunityContactRoles` on Contact).
 * https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_relationships_query_using.htm
 */
export interface SoqlSubquery {
  relationship: string;
  fields: string[];
  where: SoqlCondition | null;
  limit: number | null;
}

/** A parsed query; field names are as written (the caller resolves them). */
export interface SoqlQuery {
  fields: string[];
  /** Parent-to-child subqueries, in the order written. */
  subqueries: SoqlSubquery[];
  object: string;
  where: SoqlCondition | null;
  orderBy: SoqlOrder[];
  limit: number | null;
  offset: number | null;
}

/** A query Salesforce would refuse as MALFORMED_QUERY. */
export class SoqlSyntaxError extends Error {
  override readonly name = 'SoqlSyntaxError';
}

type Token =
  | { type: 'word'; text: string }
  | { type: 'string'; text: string }
  | { type: 'number'; text: string }
  | { type: 'datetime'; text: string }
  | { type: 'date'; text: string }
  | { type: 'op'; text: string }
  | { type: 'punct'; text: '(' | ')' | ',' };

// Escapes valid in a SOQL string literal; \_ and \% keep their backslash for LIKE.
const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: '\b', f: '\f', '"': '"', "'": "'", '\\': '\\' };

const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?(?:Z|[+-]\d{2}:?\d{2})/;
const DATE = /^\d{4}-\d{2}-\d{2}(?![\dT])/;

/** Splits SOQL text into tokens, decoding string escapes. */
function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i] as string;
    if (/\s/.test(ch)) {
      i += 1;
    } else if (ch === "'") {
      let value = '';
      i += 1;
      for (;;) {
        if (i >= text.length) throw new SoqlSyntaxError('unexpected end of query: unterminated string literal');
        const c = text[i] as string;
        if (c === "'") break;
        if (c === '\\') {
          const next = text[i + 1];
          if (next === undefined) throw new SoqlSyntaxError('unexpected end of query: unterminated string literal');
          if (next === '_' || next === '%') value += `\\${next}`;
          else if (next in ESCAPES) value += ESCAPES[next];
          else throw new SoqlSyntaxError(`Invalid string literal: unknown escape \\${next}`);
          i += 2;
        } else {
          value += c;
          i += 1;
        }
      }
      i += 1;
      tokens.push({ type: 'string', text: value });
    } else if (/\d/.test(ch) || (ch === '-' && /\d/.test(text[i + 1] ?? ''))) {
      const rest = text.slice(i);
      const datetime = DATETIME.exec(rest);
      const date = DATE.exec(rest);
      if (datetime) {
        tokens.push({ type: 'datetime', text: datetime[0] });
        i += datetime[0].length;
      } else if (date) {
        tokens.push({ type: 'date', text: date[0] });
        i += date[0].length;
      } else {
        const number = /^-?\d+(?:\.\d+)?/.exec(rest) as RegExpExecArray;
        tokens.push({ type: 'number', text: number[0] });
        i += number[0].length;
      }
    } else if (/[A-Za-z_]/.test(ch)) {
      const word = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(text.slice(i)) as RegExpExecArray;
      tokens.push({ type: 'word', text: word[0] });
      i += word[0].length;
    } else if (ch === '(' || ch === ')' || ch === ',') {
      tokens.push({ type: 'punct', text: ch });
      i += 1;
    } else {
      const op = /^(?:!=|<>|<=|>=|=|<|>)/.exec(text.slice(i));
      if (!op) throw new SoqlSyntaxError(`unexpected token: '${ch}'`);
      tokens.push({ type: 'op', text: op[0] === '<>' ? '!=' : op[0] });
      i += op[0].length;
    }
  }
  return tokens;
}

/** Parses a SOQL query; throws SoqlSyntaxError for anything outside the subset. */
export function parseSoql(text: string): SoqlQuery {
  const tokens = tokenize(text);
  let pos = 0;

  const peek = (): Token | undefined => tokens[pos];
  const isKeyword = (word: string, token: Token | undefined = peek()): boolean =>
    token?.type === 'word' && token.text.toUpperCase() === word;
  const expectKeyword = (word: string): void => {
    if (!isKeyword(word)) throw new SoqlSyntaxError(`expecting '${word}', found '${describe(peek())}'`);
    pos += 1;
  };
  const expectPunct = (punct: string): void => {
    const token = peek();
    if (token?.type !== 'punct' || token.text !== punct) {
      throw new SoqlSyntaxError(`expecting '${punct}', found '${describe(token)}'`);
    }
    pos += 1;
  };
  const identifier = (): string => {
    const token = peek();
    if (token?.type !== 'word' || RESERVED.has(token.text.toUpperCase())) {
      throw new SoqlSyntaxError(`expecting a field name, found '${describe(token)}'`);
    }
    pos += 1;
    return token.text;
  };
  const integer = (): number => {
    const token = peek();
    if (token?.type !== 'number' || !/^\d+$/.test(token.text)) {
      throw new SoqlSyntaxError(`expecting a non-negative integer, found '${describe(token)}'`);
    }
    pos += 1;
    return Number(token.text);
  };

  const value = (): SoqlValue => {
    const token = peek();
    pos += 1;
    switch (token?.type) {
      case 'string':
        return { kind: 'string', value: token.text };
      case 'number':
        return { kind: 'number', value: Number(token.text) };
      case 'date':
        return { kind: 'date', value: token.text };
      case 'datetime': {
        const ms = Date.parse(token.text.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
        if (Number.isNaN(ms)) throw new SoqlSyntaxError(`invalid dateTime literal: ${token.text}`);
        return { kind: 'datetime', value: ms };
      }
      case 'word': {
        const upper = token.text.toUpperCase();
        if (upper === 'TRUE' || upper === 'FALSE') return { kind: 'boolean', value: upper === 'TRUE' };
        if (upper === 'NULL') return { kind: 'null' };
        break;
      }
      default:
        break;
    }
    throw new SoqlSyntaxError(`expecting a value, found '${describe(token)}'`);
  };

  const comparison = (): SoqlCondition => {
    if (peek()?.type === 'punct' && peek()?.text === '(') {
      pos += 1;
      const inner = condition();
      expectPunct(')');
      return inner;
    }
    if (isKeyword('NOT')) {
      pos += 1;
      return { kind: 'not', operand: comparison() };
    }
    const field = identifier();
    const token = peek();
    let operator: SoqlOperator;
    if (token?.type === 'op') {
      operator = token.text as SoqlOperator;
      pos += 1;
    } else if (isKeyword('IN')) {
      operator = 'IN';
      pos += 1;
    } else if (isKeyword('NOT') && isKeyword('IN', tokens[pos + 1])) {
      operator = 'NOT IN';
      pos += 2;
    } else if (isKeyword('LIKE')) {
      operator = 'LIKE';
      pos += 1;
    } else {
      throw new SoqlSyntaxError(`expecting an operator after '${field}', found '${describe(token)}'`);
    }
    if (operator === 'IN' || operator === 'NOT IN') {
      expectPunct('(');
      const values = [value()];
      while (peek()?.type === 'punct' && peek()?.text === ',') {
        pos += 1;
        values.push(value());
      }
      expectPunct(')');
      return { kind: 'compare', field, operator, values };
    }
    return { kind: 'compare', field, operator, values: [value()] };
  };

  const condition = (): SoqlCondition => {
    const operands = [comparison()];
    let joiner: 'AND' | 'OR' | null = null;
    while (isKeyword('AND') || isKeyword('OR')) {
      const word = (peek() as Token).text.toUpperCase() as 'AND' | 'OR';
      // Salesforce refuses `a AND b OR c`: mixing needs parentheses.
      if (joiner && joiner !== word) throw new SoqlSyntaxError('unexpected token: mixing AND and OR needs parentheses');
      joiner = word;
      pos += 1;
      operands.push(comparison());
    }
    if (!joiner) return operands[0] as SoqlCondition;
    return { kind: joiner === 'AND' ? 'and' : 'or', operands };
  };

  /** `SELECT` list: fields, and (at the top level only) subqueries in parentheses. */
  const selectList = (allowSubqueries: boolean): { fields: string[]; subqueries: SoqlSubquery[] } => {
    const fields: string[] = [];
    const subqueries: SoqlSubquery[] = [];
    do {
      if (fields.length + subqueries.length > 0) pos += 1; // the comma
      if (peek()?.type === 'punct' && peek()?.text === '(') {
        if (!allowSubqueries) throw new SoqlSyntaxError('unexpected token: nested subqueries are not supported');
        pos += 1;
        subqueries.push(subquery());
        expectPunct(')');
      } else {
        fields.push(identifier());
      }
    } while (peek()?.type === 'punct' && peek()?.text === ',');
    return { fields, subqueries };
  };

  const subquery = (): SoqlSubquery => {
    expectKeyword('SELECT');
    const { fields } = selectList(false);
    expectKeyword('FROM');
    const relationship = identifier();
    let where: SoqlCondition | null = null;
    if (isKeyword('WHERE')) {
      pos += 1;
      where = condition();
    }
    let limit: number | null = null;
    if (isKeyword('LIMIT')) {
      pos += 1;
      limit = integer();
    }
    return { relationship, fields, where, limit };
  };

  expectKeyword('SELECT');
  const { fields, subqueries } = selectList(true);
  expectKeyword('FROM');
  const object = identifier();
  let where: SoqlCondition | null = null;
  if (isKeyword('WHERE')) {
    pos += 1;
    where = condition();
  }
  const orderBy: SoqlOrder[] = [];
  if (isKeyword('ORDER')) {
    pos += 1;
    expectKeyword('BY');
    do {
      if (orderBy.length > 0) pos += 1; // the comma
      const field = identifier();
      let descending = false;
      if (isKeyword('ASC') || isKeyword('DESC')) {
        descending = isKeyword('DESC');
        pos += 1;
      }
      // Salesforce's default: nulls first ascending, last descending.
      let nullsLast = descending;
      if (isKeyword('NULLS')) {
        pos += 1;
        if (!isKeyword('FIRST') && !isKeyword('LAST')) throw new SoqlSyntaxError("expecting 'FIRST' or 'LAST'");
        nullsLast = isKeyword('LAST');
        pos += 1;
      }
      orderBy.push({ field, descending, nullsLast });
    } while (peek()?.type === 'punct' && peek()?.text === ',');
  }
  let limit: number | null = null;
  let offset: number | null = null;
  if (isKeyword('LIMIT')) {
    pos += 1;
    limit = integer();
  }
  if (isKeyword('OFFSET')) {
    pos += 1;
    offset = integer();
  }
  if (pos < tokens.length) throw new SoqlSyntaxError(`unexpected token: '${describe(peek())}'`);
  return { fields, subqueries, object, where, orderBy, limit, offset };
}

const RESERVED = new Set([
  'SELECT', 'FROM', 'WHERE', 'AND', 'OR', 'NOT', 'ORDER', 'BY', 'ASC', 'DESC', 'NULLS', 'FIRST', 'LAST',
  'LIMIT', 'OFFSET', 'IN', 'LIKE', 'NULL', 'TRUE', 'FALSE',
]);

function describe(token: Token | undefined): string {
  if (!token) return '<end of query>';
  return token.type === 'string' ? `'${token.text}'` : token.text;
}
