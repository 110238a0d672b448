// src/access/roles.ts
export const roles = ['support-agent', 'internal-app', 'offer-engine', 'data-steward', 'compliance-officer', 'admin', 'customer'] as const;
export type Role = (typeof roles)[number];
export function isRole(value: unknown): value is Role { return typeof value === 'string' && (roles as readonly string[]).includes(value); }
