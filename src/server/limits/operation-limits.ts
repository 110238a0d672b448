import type { Principal } from '../../access/principal';
import type { Role } from '../../access/roles';

/**
 * What one caller may ask of the gateway: the shape of an operation, checked before it
 * runs, and what a request may cost while it runs. README.md ("Limits") has the table.
 */
export interface OperationLimits {
  /** Deepest field nesting in the answer, fragments counted where they are spread (`__schema` not counted). @default 6 */
  depth: number;
  /** Aliases in an operation, `__typename` ones too, counted again at each fragment spread. @default 15 */
  aliases: number;
  /** Directives in an operation (`@include`, `@skip`, ...). @default 50 */
  directives: number;
  /** Lexical tokens in the document, counted before it is parsed. @default 1000 */
  tokens: number;
  /** Cost: 1 per field plus its selections, times the size of a list argument or `first`. @default 5000 */
  cost: number;
  /** Longest list in any argument (`customers(ids)`, `contactEligibility(customerIds)`, `recordConsent(changes)`, nested lists too). @default 1000 */
  listSize: number;
  /** Calls to source systems one request may cause, over every source (a call and its retries count once). @default 100 */
  sourceCalls: number;
  /** Requests per second, sustained, per principal (or per client address without one). @default 20 */
  ratePerSecond: number;
  /** Requests allowed above `ratePerSecond` in any 10 seconds, for bursts. @default 40 */
  burst: number;
}

/** The names of the limits, in the order the README lists them. */
export const limitNames = Object.freeze([
  'depth',
  'aliases',
  'directives',
  'tokens',
  'cost',
  'listSize',
  'sourceCalls',
  'ratePerSecond',
  'burst',
] as const satisfies readonly (keyof OperationLimits)[]);

/** Limits of a caller with no role of its own: GraphQL Armor's defaults for the first four and the cost. */
export const defaultOperationLimits: Readonly<OperationLimits> = Object.freeze({
  depth: 6,
  aliases: 15,
  directives: 50,
  tokens: 1000,
  cost: 5000,
  listSize: 1000,
  sourceCalls: 100,
  ratePerSecond: 20,
  burst: 40,
});

/** Per-role limits over the defaults, by what each role is for (DESIGN.md: who it serves). */
export type RoleLimits = Partial<Record<Role, Partial<OperationLimits>>>;

/**
 * The built-in role limits: internal apps read `customers(ids)` batches of up to 1,000
 * (some 700 Mailchimp calls); offer engines ask eligibility of up to 10,000 customers at
 * a time, often; an admin may do what any of them does (depth and aliases stay the
 * defaults); a customer (the preference centre) needs little of anything.
 */
export const defaultRoleLimits: Readonly<RoleLimits> = Object.freeze({
  'internal-app': { cost: 50_000, sourceCalls: 2000, ratePerSecond: 100, burst: 200 },
  'offer-engine': { listSize: 10_000, cost: 50_000, ratePerSecond: 200, burst: 400 },
  customer: { cost: 1000, sourceCalls: 20, ratePerSecond: 5, burst: 10 },
  admin: { listSize: 10_000, cost: 50_000, sourceCalls: 2000, ratePerSecond: 200, burst: 400 },
});

/** The limits in force: defaults, and per role over them. */
export interface LimitsSettings {
  /** Limits of a caller none of whose roles is listed in `byRole` (and of one without a principal). */
  defaults: Readonly<OperationLimits>;
  /** Per role, over `defaults`. */
  byRole: Readonly<RoleLimits>;
}

/**
 * The limits of a principal: each limit is the most generous any of its roles has (a
 * role's own value, else the default); without a principal or roles, the defaults.
 */
export function limitsForPrincipal(principal: Principal | undefined, settings: LimitsSettings): OperationLimits {
  const roles = principal?.roles ?? [];
  if (roles.length === 0) return { ...settings.defaults };
  const perRole = roles.map((role) => ({ ...settings.defaults, ...settings.byRole[role] }));
  return Object.fromEntries(limitNames.map((name) => [name, Math.max(...perRole.map((limits) => limits[name]))])) as unknown as OperationLimits;
}
