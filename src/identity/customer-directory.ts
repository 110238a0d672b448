/**
 * What other services need to know of the identity graph: whether a customer id
 * exists, and which id survives when clusters were merged. Consent writes go to the
 * survivor; an unknown id is NOT_FOUND.
 */
export interface CustomerDirectory {
  /** The surviving customer id for `customerId` (itself if never merged), or null if unknown. */
  resolveId(customerId: string): Promise<string | null>;
}

/** Until the identity graph is wired in: every id exists and survives as itself. */
export const acceptAnyCustomer: CustomerDirectory = Object.freeze({
  resolveId: async (customerId: string) => customerId,
});
