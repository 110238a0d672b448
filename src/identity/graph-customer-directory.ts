import type { CustomerDirectory } from './customer-directory';
import type { IdentityGraph } from './identity-graph';

/** The {@link CustomerDirectory} backed by the identity graph: follows merge redirects to the survivor. */
export class GraphCustomerDirectory implements CustomerDirectory {
  constructor(private readonly graph: IdentityGraph) {}

  /** The surviving customer id for `customerId`, or null when no such customer exists. */
  resolveId(customerId: string): Promise<string | null> {
    return this.graph.resolveId(customerId);
  }
}
