import { refId } from '../../src/identity/identity-key';
import type { IdentityGraph } from '../../src/identity/identity-graph';
import type { TruthEntry } from '../../simulators/population/generate-population';

/** Pairwise precision and recall of the graph's clusters against a ground truth (which records are one person). */
export async function scoreAgainstTruth(graph: IdentityGraph, truth: readonly TruthEntry[]): Promise<{ precision: number; recall: number; records: number }> {
  const personOf = new Map<string, string>();
  for (const entry of truth) for (const record of entry.records) personOf.set(refId(record), entry.personId);
  const links = await graph.links.find({}).toArray();
  const roots = await graph.rootsOf(links.map((link) => link.customerId));
  const clusterOf = new Map(links.map((link) => [link._id, roots.get(link.customerId)!]));
  const pairs = (groups: Map<string, string[]>) => [...groups.values()].reduce((sum, ids) => sum + (ids.length * (ids.length - 1)) / 2, 0);
  const group = (keyOf: (id: string) => string | undefined) => {
    const groups = new Map<string, string[]>();
    for (const id of personOf.keys()) {
      const key = keyOf(id);
      if (key !== undefined) groups.set(key, [...(groups.get(key) ?? []), id]);
    }
    return groups;
  };
  const predicted = group((id) => clusterOf.get(id));
  const actual = group((id) => personOf.get(id));
  const both = group((id) => (clusterOf.has(id) ? `${clusterOf.get(id)}|${personOf.get(id)}` : undefined));
  const truePositives = pairs(both);
  return { precision: truePositives / pairs(predicted), recall: truePositives / pairs(actual), records: clusterOf.size };
}
