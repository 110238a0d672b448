import { z } from 'zod';
import type { CountryCode } from 'libphonenumber-js';
import { getCountries } from 'libphonenumber-js';
import { ConfigError } from '../config';
import { defaultMatchRules, validateMatchRules, type MatchRule } from './matching-rules';
import type { NormalizePhoneOptions } from './normalize-phone';

/** Identity-resolution settings, read once at start. */
export interface IdentityConfig {
  /** How phone keys are normalised. */
  phone: Required<NormalizePhoneOptions>;
  /** Deterministic matching rules, strongest first. */
  rules: readonly MatchRule[];
}

const countries = new Set<string>(getCountries());

const schema = z.object({
  IDENTITY_PHONE_REGION: z
    .string()
    .refine((value) => countries.has(value), 'an ISO 3166-1 alpha-2 region libphonenumber knows, e.g. GB or US')
    .default('GB'),
  IDENTITY_PHONE_STRICTNESS: z.enum(['valid', 'possible'], { error: 'one of valid, possible' }).default('valid'),
  IDENTITY_MATCH_RULES: z.string().optional(),
});

/**
 * Reads IDENTITY_PHONE_REGION (default GB), IDENTITY_PHONE_STRICTNESS (valid | possible,
 * default valid) and IDENTITY_MATCH_RULES (JSON list of `{name, key}`, strongest first;
 * default cross-reference, email-exact, phone-exact). Throws a ConfigError naming the variable.
 */
export function loadIdentityConfig(env: NodeJS.ProcessEnv = process.env): IdentityConfig {
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const parsed = schema.safeParse(present);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`Invalid configuration: ${String(issue.path[0])}=${JSON.stringify(env[String(issue.path[0])])} is not valid; expected ${issue.message}.`);
  }
  let rules = defaultMatchRules;
  if (parsed.data.IDENTITY_MATCH_RULES) {
    try {
      rules = validateMatchRules(JSON.parse(parsed.data.IDENTITY_MATCH_RULES) as MatchRule[]);
    } catch (error) {
      throw new ConfigError(`Invalid configuration: IDENTITY_MATCH_RULES is not valid; ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return {
    phone: { defaultRegion: parsed.data.IDENTITY_PHONE_REGION as CountryCode, strictness: parsed.data.IDENTITY_PHONE_STRICTNESS },
    rules,
  };
}
