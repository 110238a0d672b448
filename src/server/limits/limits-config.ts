import { z } from 'zod';
import { ConfigError, readJsonVariable } from '../../config';
import { roles } from '../../access/roles';
import { defaultOperationLimits, defaultRoleLimits, type LimitsSettings, type RoleLimits } from './operation-limits';

const count = (min: number) => z.number().int().min(min).max(1_000_000_000);

/** One set of limits as configured: any of them, each a whole number in its range. */
const limitsSchema = z
  .object({
    depth: count(1),
    aliases: count(0),
    directives: count(0),
    tokens: count(1),
    cost: count(1),
    listSize: count(1),
    sourceCalls: count(0),
    ratePerSecond: count(1),
    burst: count(0),
  })
  .partial()
  .strict();

const byRoleSchema = z.record(z.string(), limitsSchema);

const expected =
  'depth, tokens, cost, listSize, ratePerSecond: whole numbers from 1; aliases, directives, sourceCalls, burst: whole numbers from 0';

/**
 * Reads LIMITS (JSON: limits over the built-in defaults, e.g. `{"depth":8,"cost":8000}`)
 * and LIMITS_BY_ROLE (JSON: per role, over the built-in role limits, e.g.
 * `{"internal-app":{"sourceCalls":3000}}`). Throws a ConfigError naming the variable.
 */
export function loadLimitsConfig(env: NodeJS.ProcessEnv = process.env): LimitsSettings {
  const json = (name: string): unknown => readJsonVariable(env, name);
  const defaults = limitsSchema.safeParse(json('LIMITS') ?? {});
  if (!defaults.success) throw new ConfigError(`Invalid configuration: LIMITS is not valid; expected {"<limit>": <number>, ...} with ${expected}.`);
  const byRole = byRoleSchema.safeParse(json('LIMITS_BY_ROLE') ?? {});
  const unknownRole = byRole.success ? Object.keys(byRole.data).find((role) => !(roles as readonly string[]).includes(role)) : undefined;
  if (!byRole.success || unknownRole !== undefined) {
    throw new ConfigError(
      `Invalid configuration: LIMITS_BY_ROLE is not valid; expected {"<role>": {"<limit>": <number>, ...}, ...} with roles ${roles.join(', ')} and ${expected}.`,
    );
  }
  const merged: RoleLimits = { ...defaultRoleLimits };
  for (const role of roles) {
    if (byRole.data[role]) merged[role] = { ...defaultRoleLimits[role], ...byRole.data[role] };
  }
  return { defaults: Object.freeze({ ...defaultOperationLimits, ...defaults.data }), byRole: Object.freeze(merged) };
}
