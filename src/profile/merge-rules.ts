import type { FieldCandidate, RuleOutcome, RuleSettings, ValueKey } from './field-candidate';
import { mostRecentRule } from './most-recent-rule';
import { sourcePriorityRule } from './source-priority-rule';
import { unionRule } from './union-rule';

/** The name a field's configuration gives its rule. */
export type MergeRuleName = 'source-priority' | 'most-recent' | 'union';

/** A registered survivorship rule: pure, no I/O. */
export interface MergeRule {
  readonly name: MergeRuleName;
  /** True when the rule only makes sense for list fields (emails, phones, addresses). */
  readonly listFieldsOnly: boolean;
  /** Decides a field from its candidates; `valueKey` compares list items (union) and values (conflicts). */
  apply(candidates: readonly FieldCandidate<unknown>[], settings: RuleSettings, valueKey: ValueKey<unknown>): RuleOutcome<unknown>;
}

/**
 * Every survivorship rule, frozen. The order is the order the README documents them
 * in; the engine looks rules up by name, so it carries no precedence.
 */
export const mergeRules: readonly MergeRule[] = Object.freeze([
  Object.freeze<MergeRule>({ name: 'source-priority', listFieldsOnly: false, apply: (c, s) => sourcePriorityRule(c, s) }),
  Object.freeze<MergeRule>({ name: 'most-recent', listFieldsOnly: false, apply: (c, s) => mostRecentRule(c, s) }),
  Object.freeze<MergeRule>({
    name: 'union',
    listFieldsOnly: true,
    apply: (c, s, key) => unionRule(c as readonly FieldCandidate<readonly unknown[]>[], s, key),
  }),
]);

/** The registered rule called `name`; throws a TypeError naming the known rules otherwise. */
export function mergeRuleNamed(name: string): MergeRule {
  const rule = mergeRules.find((candidate) => candidate.name === name);
  if (!rule) throw new TypeError(`Unknown merge rule "${name}"; expected one of ${mergeRules.map((r) => r.name).join(', ')}.`);
  return rule;
}
