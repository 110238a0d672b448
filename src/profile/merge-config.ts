import { z } from 'zod';
import { mergeRuleNamed, type MergeRuleName } from './merge-rules';

/** The merged profile fields a rule is configured for. */
export const profileFields = Object.freeze(['name', 'emails', 'phones', 'addresses', 'birthDate', 'locale'] as const);
/** One merged profile field. */
export type ProfileField = (typeof profileFields)[number];
/** The multi-valued fields (the only ones `union` applies to). */
export const listFields: ReadonlySet<ProfileField> = new Set(['emails', 'phones', 'addresses']);

/** One field's rule. */
export interface FieldRuleConfig {
  rule: MergeRuleName;
  /** Systems in order of trust (required by `source-priority`, tie-break for the others). */
  priority?: string[];
}

/** The merge configuration: a rule per profile field. */
export type MergeConfig = Readonly<Record<ProfileField, Readonly<FieldRuleConfig>>>;

/**
 * The defaults, for the demo's system names: the CRM is trusted for who a person is
 * (name, birth date), the identity system next, the ESP last; every email, phone and
 * address any system holds is kept; the locale is whatever the person set last.
 */
export const defaultMergeConfig: MergeConfig = Object.freeze({
  name: Object.freeze({ rule: 'source-priority', priority: ['salesforce', 'identity', 'mailchimp'] }),
  emails: Object.freeze({ rule: 'union', priority: ['salesforce', 'identity', 'mailchimp'] }),
  phones: Object.freeze({ rule: 'union', priority: ['salesforce', 'identity', 'mailchimp'] }),
  addresses: Object.freeze({ rule: 'union', priority: ['salesforce', 'identity', 'mailchimp'] }),
  birthDate: Object.freeze({ rule: 'source-priority', priority: ['salesforce', 'identity', 'mailchimp'] }),
  locale: Object.freeze({ rule: 'most-recent', priority: ['identity', 'salesforce', 'mailchimp'] }),
} satisfies Record<ProfileField, FieldRuleConfig>);

const fieldRuleSchema = z.object({
  rule: z.enum(['source-priority', 'most-recent', 'union']),
  priority: z.array(z.string().min(1)).optional(),
});

/**
 * Checks a merge configuration once, at start, over the defaults: a known rule per
 * field, `union` only on list fields, a priority list wherever `source-priority` is used.
 * `overrides` is what `PROFILE_MERGE_RULES` holds (JSON), e.g.
 * `{"phones":{"rule":"source-priority","priority":["identity","salesforce"]}}`.
 */
export function parseMergeConfig(overrides: unknown = {}): MergeConfig {
  const parsed = z.partialRecord(z.enum(profileFields), fieldRuleSchema).safeParse(overrides);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new TypeError(`Invalid merge rules at ${issue.path.join('.') || '(top)'}: ${issue.message}.`);
  }
  const config: Record<string, FieldRuleConfig> = { ...defaultMergeConfig, ...parsed.data };
  for (const field of profileFields) {
    const { rule, priority } = config[field]!;
    if (mergeRuleNamed(rule).listFieldsOnly && !listFields.has(field)) {
      throw new TypeError(`Merge rule "${rule}" applies to list fields only (emails, phones, addresses), not to "${field}".`);
    }
    if (rule === 'source-priority' && (!priority || priority.length === 0)) {
      throw new TypeError(`Merge rule for "${field}" is source-priority but has no "priority" list of systems.`);
    }
  }
  return Object.freeze(config) as MergeConfig;
}
