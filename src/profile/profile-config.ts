import { z } from 'zod';
import { ConfigError, readJsonVariable } from '../config';
import { parseMergeConfig, type MergeConfig } from './merge-config';
import type { ProfileLoadersOptions } from './profile-loaders';

/** Profile settings, read once at start. */
export interface ProfileConfig {
  mergeConfig: MergeConfig;
  budgets: Required<ProfileLoadersOptions>;
}

const budgetMs = z.number().int().min(1).max(60_000);

/**
 * Reads PROFILE_MERGE_RULES (JSON: a rule per field over the defaults, e.g.
 * `{"phones":{"rule":"most-recent"}}`), PROFILE_SOURCE_BUDGET_MS (the time budget of a
 * source call, default 1500) and PROFILE_SOURCE_BUDGETS_MS (JSON: budgets by system name,
 * e.g. `{"mailchimp":800}`). Throws a ConfigError naming the variable.
 */
export function loadProfileConfig(env: NodeJS.ProcessEnv = process.env): ProfileConfig {
  const json = (name: string): unknown => readJsonVariable(env, name);
  let mergeConfig: MergeConfig;
  try {
    mergeConfig = parseMergeConfig(json('PROFILE_MERGE_RULES') ?? {});
  } catch (error) {
    throw new ConfigError(`Invalid configuration: PROFILE_MERGE_RULES is not valid; ${(error as Error).message}`);
  }
  const defaultText = env.PROFILE_SOURCE_BUDGET_MS?.trim();
  const defaultBudget = budgetMs.safeParse(defaultText ? Number(defaultText) : 1500);
  if (!defaultBudget.success) {
    throw new ConfigError(`Invalid configuration: PROFILE_SOURCE_BUDGET_MS=${JSON.stringify(defaultText)} is not valid; expected whole milliseconds from 1 to 60000.`);
  }
  const perSystem = z.record(z.string(), budgetMs).safeParse(json('PROFILE_SOURCE_BUDGETS_MS') ?? {});
  if (!perSystem.success) {
    throw new ConfigError('Invalid configuration: PROFILE_SOURCE_BUDGETS_MS is not valid; expected {"<system>": <whole milliseconds from 1 to 60000>, ...}.');
  }
  return { mergeConfig, budgets: { defaultBudgetMs: defaultBudget.data, budgetsMs: perSystem.data } };
}
