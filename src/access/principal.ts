import type { Role } from './roles';

/**
 * Who sent a request, as every request carries one (or is refused before parsing):
 * an application's API key, a person's OIDC access token, or a customer's
 * preference-centre link. Never personal data: ids and names chosen by an admin or
 * the identity provider's subject.
 */
export interface Principal {
  /** Stable and unique across kinds: `key:<keyId>`, `user:<subject>`, `customer:<customerId>`. */
  id: string;
  kind: 'api-key' | 'user' | 'customer';
  /** The key's name, or the token's subject. */
  name: string;
  /** The gateway roles held; a request may do what any of them allows. */
  roles: readonly Role[];
  /** A customer principal's own customer id: the only one it may read or change. */
  customerId?: string;
  /** For a customer's preference-centre link: the link's own id (`jti`) and the consent purpose it was sent about (null for links without). */
  preferenceLink?: { id: string | null; purpose: string | null };
  /** An API key limited to these operation names; absent: whatever its role allows. */
  allowedOperations?: readonly string[];
}
