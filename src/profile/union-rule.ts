import { compareByRecency } from './compare-candidates';
import type { FieldCandidate, RuleOutcome, RuleSettings, ValueKey } from './field-candidate';

/**
 * `union`: every distinct value of every source, for multi-valued fields (emails,
 * phones, addresses). Values are de-duplicated by their normalised key, keeping the
 * newest record's spelling; values from newer records come first.
 */
export function unionRule<T>(
  candidates: readonly FieldCandidate<readonly T[]>[],
  { priority = [] }: RuleSettings,
  valueKey: ValueKey<T>,
): RuleOutcome<T[]> {
  const ordered = [...candidates].sort(compareByRecency(priority));
  const seen = new Set<string>();
  const value: T[] = [];
  const from: FieldCandidate<T[]>[] = [];
  for (const candidate of ordered) {
    let contributed = false;
    for (const item of candidate.value) {
      const key = valueKey(item);
      if (seen.has(key)) continue;
      seen.add(key);
      value.push(item);
      contributed = true;
    }
    if (contributed) from.push({ ...candidate, value: [...candidate.value] });
  }
  if (value.length === 0) return { value: undefined, from: [], reason: 'no source has a value' };
  return { value, from, reason: `union keeps every distinct value of ${from.length} source record(s)` };
}
