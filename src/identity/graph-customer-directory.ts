import type { CustomerDirectory } from './customer-directory';
import type { IdentityGraph } from './identity-graph';
import { keyId, type IdentityKey } from './identity-key';

/** The {@link CustomerDirectory} backed by the identity graph: follows merge redirects to the survivor. */
export class GraphCustomerDirectory implements CustomerDirectory {
  constructor(private readonly graph: IdentityGraph) {}

  /** The surviving customer id for `customerId`, or null when no such customer exists. */
  resolveId(customerId: string): Promise<string | null> {
    return this.graph.resolveId(customerId);
  }

  /**
   * The cluster holding `key`: its claim by `_id` (one read), the claimant's survivor
   * (one read, plus one per merge above it) and the ids merged into that survivor (one
   * read, plus one per level of merges below it). Three reads for a never-merged owner.
   */
  async holdersOf(key: IdentityKey): Promise<ReadonlySet<string>> {
    const claim = await this.graph.keys.findOne({ _id: keyId(key) }, { projection: { customerId: 1 } });
    if (!claim) return new Set();
    const root = await this.graph.rootOf(claim.customerId);
    return new Set((await this.graph.clusterIds([root])).get(root));
  }
}
