import type { SoqlCondition, SoqlValue } from './soql-parser';

/** A field's type, as far as filtering cares. */
export type FieldType = 'id' | 'string' | 'boolean' | 'number' | 'date' | 'datetime';

/** A filter Salesforce refuses (wrong literal type for the field): INVALID_QUERY_FILTER_OPERATOR. */
export class SoqlFilterError extends Error {
  override readonly name = 'SoqlFilterError';
}

/**
 * WHERE-condition evaluation shared by every object the simulator queries (Contact, and
 * OpportunityContactRole in subqueries): each object says how to read a field as a
 * comparable value; comparison, IN, LIKE and the boolean operators work the same way.
 * https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_select_comparisonoperators.htm
 */

/** A field value as Salesforce compares it: text lower-cased, datetimes as instants, null for empty. */
export type Comparable = string | number | boolean | null;

/** Whether a record, read through `comparable`, satisfies a condition whose fields are already resolved. */
export function evaluateCondition(condition: SoqlCondition, comparable: (field: string) => Comparable): boolean {
  switch (condition.kind) {
    case 'and':
      return condition.operands.every((operand) => evaluateCondition(operand, comparable));
    case 'or':
      return condition.operands.some((operand) => evaluateCondition(operand, comparable));
    case 'not':
      return !evaluateCondition(condition.operand, comparable);
    case 'compare':
      break;
  }
  const actual = comparable(condition.field);
  const literals = condition.values.map(literalComparable);
  switch (condition.operator) {
    case '=':
      return actual === literals[0];
    case '!=':
      return actual !== literals[0];
    case 'IN':
      return literals.includes(actual);
    case 'NOT IN':
      return !literals.includes(actual);
    case 'LIKE':
      return typeof actual === 'string' && likeToRegExp(String(literals[0] ?? '')).test(actual);
    default: {
      // A range comparison with null on either side is false, as in SQL.
      const right = literals[0];
      if (actual === null || right === null || right === undefined) return false;
      if (condition.operator === '<') return actual < right;
      if (condition.operator === '<=') return actual <= right;
      if (condition.operator === '>') return actual > right;
      return actual >= right;
    }
  }
}

function literalComparable(value: SoqlValue): Comparable {
  switch (value.kind) {
    case 'null':
      return null;
    case 'string':
      return value.value.toLowerCase();
    default:
      return value.value;
  }
}

function likeToRegExp(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i += 1) {
    const ch = pattern[i] as string;
    if (ch === '\\' && (pattern[i + 1] === '%' || pattern[i + 1] === '_')) {
      source += `\\${pattern[i + 1]}`;
      i += 1;
    } else if (ch === '%') source += '.*';
    else if (ch === '_') source += '.';
    else source += ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 's');
}

/** Checks a literal against its field's type (ids made case-safe), as Salesforce does before running a query. */
export function checkLiteral(field: string, type: FieldType, value: SoqlValue, toCaseSafe: (id: string) => string | null): SoqlValue {
  if (value.kind === 'null') return value;
  const expected: Record<FieldType, SoqlValue['kind']> = {
    id: 'string', string: 'string', boolean: 'boolean', number: 'number', date: 'date', datetime: 'datetime',
  };
  if (expected[type] !== value.kind) {
    const quoted = type === 'string' || type === 'id' ? 'enclosed in quotes' : 'not enclosed in quotes';
    throw new SoqlFilterError(`value of filter criterion for field '${field}' must be of type ${type} and should be ${quoted}`);
  }
  if (type === 'id' && value.kind === 'string') {
    const id = toCaseSafe(value.value);
    if (!id) throw new SoqlFilterError(`invalid ID field: ${value.value}`);
    return { kind: 'string', value: id };
  }
  return value;
}
