import { compareByRecency } from './compare-candidates';
import type { FieldCandidate, RuleOutcome, RuleSettings } from './field-candidate';

/**
 * `most-recent`: the value of the record changed last (`updatedAt`); equal times fall
 * back to the priority list, so the outcome never depends on the order records arrive.
 */
export function mostRecentRule<T>(candidates: readonly FieldCandidate<T>[], { priority = [] }: RuleSettings): RuleOutcome<T> {
  const winner = [...candidates].sort(compareByRecency(priority))[0];
  if (!winner) return { value: undefined, from: [], reason: 'no source has a value' };
  return { value: winner.value, from: [winner], reason: `${winner.system} changed it last (${winner.updatedAt.toISOString()})` };
}
