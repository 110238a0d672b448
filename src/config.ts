import { z } from 'zod';
import { parseRetrySchedule } from './propagation/retry-schedule';
import { selectSimulatorKinds } from '../simulators/simulator-kinds';

/**
 * Configuration, read from environment variables once at start and validated.
 * README.md has the table; keep the two together.
 */
/** `WEBHOOK_SECRETS`: per system, its webhook secret, or several while one is being rotated. */
const webhookSecretsSchema = z.record(z.string().min(1), z.union([z.string().min(16), z.array(z.string().min(16)).min(1)]).transform((value) => (Array.isArray(value) ? value : [value])));

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const configSchema = z.object({
  PORT: z.coerce
    .number({ error: 'a TCP port number (0-65535)' })
    .int('a whole port number')
    .min(0, 'a port from 0 to 65535')
    .max(65535, 'a port from 0 to 65535')
    .default(4000),
  HOST: z.string().min(1, 'a host name or address to listen on').default('127.0.0.1'),
  NODE_ENV: z.enum(['development', 'production', 'test'], { error: 'one of development, production, test' }).default('production'),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      error: 'one of fatal, error, warn, info, debug, trace, silent',
    })
    .default('info'),
  MONGODB_URI: z
    .string()
    .regex(/^mongodb(\+srv)?:\/\/.+/, 'a MongoDB connection string (mongodb://host:port/...)')
    .optional(),
  MONGODB_DB: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,63}$/, 'a database name of letters, digits, _ or - (at most 63)')
    .default('gateway'),
  DATA_DIR: z.string().min(1, 'a directory for the embedded store').default('.data'),
  POPULATION: z.coerce
    .number({ error: 'a number of people for the demo population' })
    .int('a whole number of people')
    .min(1, 'from 1 to 1000000 people')
    .max(1_000_000, 'from 1 to 1000000 people')
    .default(1000),
  SEED: z.coerce.number({ error: 'an integer seed' }).int('an integer seed').default(1),
  /** Embedded mode: which simulators the demo starts and connects, as their names in registry order. */
  DEMO_SYSTEMS: z
    .string()
    .default('default')
    .transform((text, context) => {
      try {
        return selectSimulatorKinds(text).map((kind) => kind.name);
      } catch (error) {
        context.addIssue({ code: 'custom', message: (error as Error).message });
        return z.NEVER;
      }
    }),
  SHUTDOWN_TIMEOUT_MS: z.coerce
    .number({ error: 'a number of milliseconds' })
    .int('a whole number of milliseconds')
    .min(0, 'zero or more milliseconds')
    .default(10_000),
  CONSENT_FEED_POLL_MS: z.coerce
    .number({ error: 'a number of milliseconds' })
    .int('a whole number of milliseconds')
    .min(20, 'from 20 to 10000 milliseconds')
    .max(10_000, 'from 20 to 10000 milliseconds')
    .default(200),
  CONSENT_FEED_SETTLE_MS: z.coerce
    .number({ error: 'a number of milliseconds' })
    .int('a whole number of milliseconds')
    .min(0, 'from 0 to 60000 milliseconds')
    .max(60_000, 'from 0 to 60000 milliseconds')
    .default(500),
  OIDC_ISSUER: z.url({ error: "the identity provider's issuer URL (https://...)" }).optional(),
  OIDC_AUDIENCE: z.string().min(1, 'the audience access tokens are issued for').optional(),
  OIDC_JWKS_URL: z.url({ error: "the URL of the issuer's JSON Web Key Set" }).optional(),
  OIDC_ROLES_CLAIM: z.string().min(1, 'a claim name or dotted path, e.g. roles or realm_access.roles').default('roles'),
  OIDC_CLOCK_SKEW_SECONDS: z.coerce
    .number({ error: 'a number of seconds' })
    .int('a whole number of seconds')
    .min(0, 'from 0 to 300 seconds')
    .max(300, 'from 0 to 300 seconds')
    .default(60),
  OIDC_CONSOLE_CLIENT_ID: z.string().min(1, "the console's client id at the identity provider (a public client: authorization code with PKCE)").optional(),
  OIDC_CONSOLE_SCOPE: z.string().min(1, 'the scopes the console asks for, e.g. openid profile').default('openid profile'),
  OIDC_CONSOLE_RESOURCE: z.url({ error: 'the resource indicator (RFC 8707) the console asks a token for, when the provider needs one' }).optional(),
  PROPAGATION_RETRY: z
    .string()
    .default('')
    .transform((text, context) => {
      try {
        return parseRetrySchedule(text);
      } catch (error) {
        context.addIssue({ code: 'custom', message: (error as Error).message });
        return z.NEVER;
      }
    }),
  PROPAGATION_CONCURRENCY: z.coerce.number({ error: 'a number of deliveries' }).int('a whole number').min(1, 'at least 1').max(256, 'at most 256').default(8),
  PROPAGATION_LEASE_MS: z.coerce.number({ error: 'a number of milliseconds' }).int('a whole number of milliseconds').min(15_000, 'at least 15000 ms: a delivery call may take 10 s').default(60_000),
  POLL_INTERVAL_MS: z.coerce.number({ error: 'a number of milliseconds' }).int('a whole number of milliseconds').min(100, 'at least 100 ms').default(15_000),
  PROPAGATION_SAMPLE_MS: z.coerce
    .number({ error: 'a number of milliseconds' })
    .int('a whole number of milliseconds')
    .min(1000, 'from 1000 to 60000 milliseconds')
    .max(60_000, 'from 1000 to 60000 milliseconds')
    .default(60_000),
  FIELD_SCAN_INTERVAL_MS: z.coerce
    .number({ error: 'a number of milliseconds' })
    .int('a whole number of milliseconds')
    .min(10_000, 'at least 10000 ms')
    .default(600_000),
  FIELD_SCAN_SAMPLE: z.coerce.number({ error: 'a number of customers' }).int('a whole number').min(1, 'from 1 to 10000 customers').max(10_000, 'from 1 to 10000 customers').default(500),
  PUBLIC_URL: z
    .url({ protocol: /^https?$/, error: 'the URL people reach the gateway at (http:// or https://, no query or fragment)' })
    .refine((url) => !/[?#]/.test(url), 'the URL people reach the gateway at, without a query or fragment')
    .transform((url) => url.replace(/\/+$/, ''))
    .optional(),
  WEBHOOK_SECRETS: z
    .string()
    .optional()
    .transform((text, context) => {
      if (text === undefined || text.trim() === '') return {};
      const parsed = webhookSecretsSchema.safeParse(safeJson(text));
      if (parsed.success) return parsed.data;
      context.addIssue({ code: 'custom', message: 'a JSON object: {"<system>": "<secret>" or ["<secret>", ...]} (Mailchimp: the URL secret; others: whsec_... signing secrets)' });
      return z.NEVER;
    }),
}).refine((config) => (config.OIDC_ISSUER === undefined) === (config.OIDC_AUDIENCE === undefined), {
  path: ['OIDC_AUDIENCE'],
  message: 'set together with OIDC_ISSUER (both, or neither for API keys only)',
});

/** The validated configuration. */
export type Config = z.infer<typeof configSchema>;

/** A setting that failed validation; `message` is one line naming the variable. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Variables whose value may hold a credential: never echoed in an error. */
const secretLike = /URI|SECRET|KEY|TOKEN|PASSWORD/;

/** Reads and validates the configuration; throws {@link ConfigError} on the first bad setting. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // An empty variable means "not set", as in most shells' `VAR= cmd`.
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const parsed = configSchema.safeParse(present);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const name = String(issue.path[0]);
  const shown = env[name] === undefined ? '(not set)' : secretLike.test(name) ? '(value hidden)' : JSON.stringify(env[name]);
  throw new ConfigError(`Invalid configuration: ${name}=${shown} is not valid; expected ${issue.message}.`);
}

/** The JSON value of an environment variable, undefined when unset or blank; throws {@link ConfigError} naming it when it is not JSON. */
export function readJsonVariable(env: NodeJS.ProcessEnv, name: string): unknown {
  const text = env[name]?.trim();
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new ConfigError(`Invalid configuration: ${name} is not valid JSON.`);
  }
}
