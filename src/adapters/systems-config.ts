import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError } from '../config';

/** A whole number in a range, with a message that says so. */
function wholeNumber(min: number, max: number, unit: string) {
  const expected = `a whole number of ${unit} from ${min} to ${max}`;
  return z.number({ error: expected }).int(expected).min(min, expected).max(max, expected);
}
const milliseconds = wholeNumber(1, 600_000, 'milliseconds');

/**
 * One connected system as configured. Dialect-specific settings (`listId`,
 * `crossReferenceSystem`, ...) sit in `options`; each dialect checks what it needs.
 */
const systemSchema = z
  .object({
    /** Unique in this gateway; names the system in the API, metrics and consent events. */
    name: z.string().regex(/^[a-z][a-z0-9_-]{0,39}$/, 'a lower-case name of letters, digits, _ or - (at most 40)'),
    dialect: z.string().regex(/^[a-z][a-z0-9_-]{0,39}$/, 'a dialect name such as salesforce, mailchimp or scim'),
    /** Optional only where the dialect can derive it (Mailchimp: from the API key's data centre). */
    baseUrl: z.url({ protocol: /^https?$/, error: 'an http(s) URL' }).optional(),
    /** Values may be `env:NAME` to read them from the environment at start. */
    credentials: z.record(z.string(), z.string()).default({}),
    /** Canonical field -> vendor field, where the vendor lets a deployment choose (custom fields, merge tags). */
    fieldMap: z.record(z.string(), z.string()).optional(),
    options: z
      .object({
        apiVersion: z.string().regex(/^\d{2,3}\.\d$/, 'an API version such as 65.0').optional(),
        listId: z.string().min(1).optional(),
        crossReferenceSystem: z.string().min(1).optional(),
        idBatchSize: wholeNumber(1, 200, 'ids per batched read').optional(),
        signRequests: z.boolean().optional(),
        maxConnections: wholeNumber(1, 256, 'connections').optional(),
        timeouts: z.object({ connectMs: milliseconds, headersMs: milliseconds, bodyMs: milliseconds }).partial().strict().optional(),
        retry: z
          .object({ maxRetries: wholeNumber(0, 10, 'retries'), initialDelayMs: milliseconds, maxDelayMs: milliseconds })
          .partial()
          .strict()
          .optional(),
        breaker: z
          .object({ consecutiveFailures: wholeNumber(1, 1000, 'failures'), halfOpenAfterMs: milliseconds })
          .partial()
          .strict()
          .optional(),
      })
      .strict()
      .default({}),
  })
  .strict();

const systemsSchema = z
  .array(systemSchema)
  .min(1, 'at least one system')
  .superRefine((systems, context) => {
    const seen = new Set<string>();
    systems.forEach((system, index) => {
      if (seen.has(system.name)) context.addIssue({ code: 'custom', path: [index, 'name'], message: `a unique name (${system.name} is used twice)` });
      seen.add(system.name);
    });
  });

/** One connected system, validated, with `env:` credentials resolved. */
export type SystemConfig = z.infer<typeof systemSchema>;

/**
 * Reads the connected systems from `SYSTEMS` (a JSON array) or `SYSTEMS_FILE` (a path
 * to one), validates them once, and resolves `env:NAME` credentials. Returns null when
 * neither is set (the embedded mode builds the list from the simulators instead).
 * Throws a ConfigError naming the setting; a credential's value is never echoed.
 */
export function loadSystemsConfig(env: NodeJS.ProcessEnv = process.env): SystemConfig[] | null {
  const inline = env.SYSTEMS?.trim();
  const file = env.SYSTEMS_FILE?.trim();
  if (!inline && !file) return null;
  if (inline && file) throw new ConfigError('Invalid configuration: set SYSTEMS or SYSTEMS_FILE, not both.');
  const source = inline ? 'SYSTEMS' : `SYSTEMS_FILE (${file})`;
  let text = inline ?? '';
  if (file) {
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw new ConfigError(`Invalid configuration: SYSTEMS_FILE=${file} cannot be read (${(error as NodeJS.ErrnoException).code}).`);
    }
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ConfigError(`Invalid configuration: ${source} is not valid JSON; expected an array of systems.`);
  }
  return parseSystemsConfig(json, env, source);
}

/** Validates a list of systems (already parsed JSON) and resolves `env:` credentials. */
export function parseSystemsConfig(json: unknown, env: NodeJS.ProcessEnv = process.env, source = 'SYSTEMS'): SystemConfig[] {
  const parsed = systemsSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = source + issue.path.map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`)).join('');
    throw new ConfigError(`Invalid configuration: ${where} is not valid; expected ${issue.message}.`);
  }
  return parsed.data.map((system, index) => ({
    ...system,
    credentials: Object.fromEntries(
      Object.entries(system.credentials).map(([key, value]) => [key, resolveCredential(value, env, `${source}[${index}].credentials.${key}`)]),
    ),
  }));
}

/** `env:NAME` reads the variable; anything else is the value itself. */
function resolveCredential(value: string, env: NodeJS.ProcessEnv, where: string): string {
  if (!value.startsWith('env:')) return value;
  const name = value.slice(4);
  const resolved = env[name];
  if (!resolved) throw new ConfigError(`Invalid configuration: ${where} reads the environment variable ${name}, which is not set.`);
  return resolved;
}
