import type { IdentityKeyKind } from './identity-key';

/** A deterministic matching rule: records holding the same key of this kind are one person. */
export interface MatchRule {
  /** Recorded on every link and key the rule makes, e.g. `email-exact`. */
  readonly name: string;
  /** The key kind that must match exactly. */
  readonly key: IdentityKeyKind;
  /**
   * When a record already placed with a customer holds a key of this kind that points at
   * another customer (the record bridges two clusters): merge them (true), or record a
   * candidate for a data steward (false). @default true for ref and email, false for phone
   */
  readonly bridges?: boolean;
}

/**
 * The default rules, strongest first. The order matters when a record's keys point at
 * different customers: it joins the customer of the first rule that matched. A
 * cross-reference (a source saying "this person is record X over there") is stronger
 * than a shared email, and an email is stronger than a phone. The other keys then
 * bridge: a second email or a cross-reference pointing elsewhere merges the two
 * clusters (the record itself says both belong to one person), while a phone pointing
 * elsewhere (households and switchboards share phones) is a clash, recorded as a
 * candidate for a data steward: "the email says A, the phone says B".
 */
export const defaultMatchRules: readonly MatchRule[] = Object.freeze([
  Object.freeze({ name: 'cross-reference', key: 'ref' as const, bridges: true }),
  Object.freeze({ name: 'email-exact', key: 'email' as const, bridges: true }),
  Object.freeze({ name: 'phone-exact', key: 'phone' as const, bridges: false }),
]);

/** Checks a configured rule list once, at start: names unique, each key kind at most once, `ref` present. */
export function validateMatchRules(rules: readonly MatchRule[]): readonly MatchRule[] {
  const names = new Set<string>();
  const kinds = new Set<IdentityKeyKind>();
  for (const rule of rules) {
    if (!rule.name || names.has(rule.name)) throw new TypeError(`Identity rule names must be unique and non-empty; got "${rule.name}".`);
    if (!['ref', 'email', 'phone'].includes(rule.key)) {
      throw new TypeError(`Identity rule "${rule.name}" has key "${rule.key}"; expected one of ref, email, phone.`);
    }
    if (rule.bridges !== undefined && typeof rule.bridges !== 'boolean') throw new TypeError(`Identity rule "${rule.name}" has a non-boolean "bridges".`);
    if (kinds.has(rule.key)) throw new TypeError(`Identity rules name the key "${rule.key}" twice; keep one rule per key kind.`);
    names.add(rule.name);
    kinds.add(rule.key);
  }
  if (!kinds.has('ref')) throw new TypeError('Identity rules must include a rule on key "ref": a record is always found by its own id.');
  return Object.freeze([...rules]);
}
