import type { IdentityGraph } from './identity-graph';
import { refId } from './identity-key';

/** A source record linked to a customer, with the normalised keys it held when linked (`email:..`, `phone:..`). */
export interface LinkedRecord {
  system: string;
  recordId: string;
  keys: readonly string[];
}

/**
 * Which source records belong to a customer, and which customer a record belongs to:
 * what propagation needs to write a consent to every record of a customer in a system,
 * and to attribute a change a system reports to the right customer.
 */
export class LinkedRecords {
  constructor(private readonly graph: IdentityGraph) {}

  /** Every id of the customer's cluster: its survivor first, then the ids merged into it. */
  async clusterOf(customerId: string): Promise<string[]> {
    const root = await this.graph.rootOf(customerId);
    return (await this.graph.clusterIds([root])).get(root) ?? [root];
  }

  /** For each customer, the records of its whole cluster in `system`, in a few round trips for the whole list. */
  async inSystemOf(customerIds: readonly string[], system: string): Promise<Map<string, LinkedRecord[]>> {
    const roots = await this.graph.rootsOf([...new Set(customerIds)]);
    const links = await this.graph.linksOfCustomers([...new Set(roots.values())]);
    return new Map(
      customerIds.map((id) => [id, (links.get(roots.get(id)!) ?? []).filter((link) => link.system === system).map(({ recordId, keys }) => ({ system, recordId, keys }))]),
    );
  }

  /** The surviving customer a record is linked to, or null when it is not linked. */
  async ownerOf(system: string, recordId: string): Promise<string | null> {
    const link = await this.graph.links.findOne({ _id: refId({ system, recordId }) }, { projection: { customerId: 1 } });
    return link ? this.graph.resolveId(link.customerId) : null;
  }
}
