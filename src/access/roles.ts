/**
 * The roles a principal can hold. What each may read and do is in the policy
 * (src/access/policy.ts); this is only the vocabulary.
 */
export const roles = ['support-agent', 'internal-app', 'offer-engine', 'data-steward', 'compliance-officer', 'admin', 'customer'] as const;

export type Role = (typeof roles)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (roles as readonly string[]).includes(value);
}
