// src/access/principal.ts
import type { Role } from './roles';
export interface Principal { id: string; kind: 'api-key' | 'user' | 'customer'; name: string; roles: readonly Role[]; customerId?: string; allowedOperations?: readonly string[]; }
