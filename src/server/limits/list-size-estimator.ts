import type { GraphQLError } from 'graphql';
import type { ComplexityEstimator } from 'graphql-query-complexity';
import { limitExceededError } from './limit-exceeded-error';

/** Options of {@link listSizeEstimator}. */
export interface ListSizeEstimatorOptions {
  /** Longest list allowed anywhere in a field's arguments. */
  maxListSize: number;
  /** Receives a LIMIT_EXCEEDED error for each argument holding a longer list. */
  onOversized: (error: GraphQLError) => void;
}

/**
 * A graphql-query-complexity estimator that prices a field by the work its arguments ask
 * for: 1 plus its selections, times the length of its longest list argument (`ids`,
 * `customerIds`, `changes`, `records`) or its page size (`first`). So 1,000 ids of
 * `customers` cost a thousand profiles, and `consentHistory(first: 50)` fifty events.
 * It also bounds every list in the arguments, nested ones in input objects included
 * (`changes[3].topics`). Arguments arrive coerced, variables included, so a list sent
 * as a variable is measured like a literal one.
 */
export function listSizeEstimator({ maxListSize, onOversized }: ListSizeEstimatorOptions): ComplexityEstimator {
  return ({ type, field, args, childComplexity }) => {
    let multiplier = 1;
    for (const [name, value] of Object.entries(args)) {
      if (Array.isArray(value)) multiplier = Math.max(multiplier, value.length);
      else if (name === 'first' && typeof value === 'number') multiplier = Math.max(multiplier, value);
      for (const [path, length] of listsIn(value, name)) {
        if (length <= maxListSize) continue;
        const message = `List size limit of ${maxListSize} exceeded, found ${length} in ${type.name}.${field.name}(${path}).`;
        onOversized(limitExceededError('listSize', maxListSize, message, { field: path }));
      }
    }
    return multiplier * (1 + childComplexity);
  };
}

/** Every list in an argument value, with its path (`changes`, `changes[3].topics`) and length. */
function* listsIn(value: unknown, path: string): Generator<[string, number]> {
  if (Array.isArray(value)) {
    yield [path, value.length];
    for (const [index, item] of value.entries()) if (item !== null && typeof item === 'object') yield* listsIn(item, `${path}[${index}]`);
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) yield* listsIn(item, `${path}.${key}`);
  }
}
