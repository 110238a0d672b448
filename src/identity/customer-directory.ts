import type { IdentityKey } from './identity-key';

/**
 * What other services need to know of the identity graph: whether a customer id
 * exists, which id survives when clusters were merged, and who holds an email or a
 * phone number. Consent writes go to the survivor; an unknown id is NOT_FOUND; a
 * contact point no customer holds is never eligible for contact.
 */
export interface CustomerDirectory {
  /** The surviving customer id for `customerId` (itself if never merged), or null if unknown. */
  resolveId(customerId: string): Promise<string | null>;
  /**
   * Every customer id of the cluster that holds the normalised key (its survivor and
   * the ids merged into it), in a few store round trips whatever the cluster's size;
   * empty when no customer holds it.
   */
  holdersOf(key: IdentityKey): Promise<ReadonlySet<string>>;
}

/** Until the identity graph is wired in: every id exists and survives as itself; no one is known to hold a key. */
export const acceptAnyCustomer: CustomerDirectory = Object.freeze({
  resolveId: async (customerId: string) => customerId,
  holdersOf: async () => new Set<string>(),
});
