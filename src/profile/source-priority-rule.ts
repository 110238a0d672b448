import { compareByRecency } from './compare-candidates';
import type { FieldCandidate, RuleOutcome, RuleSettings } from './field-candidate';

/**
 * `source-priority`: the value of the most trusted system that has one, by the
 * configured priority list; between records of one system (duplicates), the newest.
 * Systems not in the list rank after every listed one, newest first.
 */
export function sourcePriorityRule<T>(candidates: readonly FieldCandidate<T>[], { priority = [] }: RuleSettings): RuleOutcome<T> {
  const rank = (system: string) => (priority.includes(system) ? priority.indexOf(system) : priority.length);
  const byRecency = compareByRecency(priority);
  const winner = [...candidates].sort((a, b) => rank(a.system) - rank(b.system) || byRecency(a, b))[0];
  if (!winner) return { value: undefined, from: [], reason: 'no source has a value' };
  const listed = priority.includes(winner.system);
  return {
    value: winner.value,
    from: [winner],
    reason: listed
      ? `${winner.system} ranks highest in the source priority (${priority.join(' > ')}) among the sources with a value`
      : `no source in the priority list has a value; ${winner.system} is the newest`,
  };
}
