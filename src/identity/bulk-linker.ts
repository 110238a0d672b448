import type { SourceRecord } from '../adapters/source-adapter';
import { readByIds } from '../store/batched-reads';
import { insertAll } from '../store/insert-all';
import { newCustomerId } from './customer-id';
import type { CustomerDoc, KeyDoc, LinkDoc, SearchDoc, SearchTermDoc } from './graph-documents';
import type { IdentityGraph } from './identity-graph';
import { refId } from './identity-key';
import { NEW_RECORD_RULE, type LinkOutcome, type RecordLinker } from './record-linker';
import { searchEntriesOf } from './search-entries';

/** What {@link BulkLinker.linkGroups} did: outcomes by record index, and the groups it left. */
export interface BulkLinkResult {
  outcomes: Map<number, LinkOutcome>;
  /** Groups of record indexes to link one record at a time ({@link RecordLinker.link}). */
  remaining: number[][];
}

/**
 * Links whole pages of records in a few batched reads and writes, for the common cases
 * only, and leaves every other group to {@link RecordLinker} (record by record, with its
 * full rules): a group qualifies when, replayed in order in memory, each of its records
 * either is already linked with the same keys to the customer those keys belong to (a
 * rerun: nothing to write), or is new and its keys point at no customer or at exactly
 * one. That is what the per-record linker would do for them, with no clash, merge or
 * candidate possible. The writes are the same unique inserts (customers, then key claims,
 * then links and search entries); a group whose claim collides (another process claimed
 * the same key or linked the same record meanwhile) is handed to the per-record linker,
 * which reads what is there and settles it as for any race, except that a key such a race
 * leaves with another customer becomes a merge only where its rule bridges (a candidate
 * for a steward otherwise): never a silent merge.
 */
export class BulkLinker {
  constructor(
    private readonly graph: IdentityGraph,
    private readonly linker: RecordLinker,
  ) {}

  /** Links the groups that qualify (see the class) and answers what is left. */
  async linkGroups(records: readonly SourceRecord[], groups: readonly number[][]): Promise<BulkLinkResult> {
    const { graph } = this;
    const at = new Date();
    const keysOf = records.map((record) => this.linker.keysOf(record));
    const links = await readByIds(graph.links, records.map(refId));
    const held = await readByIds(graph.keys, keysOf.flat().map((key) => key.id));
    const roots = await graph.rootsOf([...[...links.values()], ...held.values()].map((doc) => doc.customerId));
    const ownerInStore = (keyId: string) => {
      const doc = held.get(keyId);
      return doc ? roots.get(doc.customerId)! : undefined;
    };

    const outcomes = new Map<number, LinkOutcome>();
    const remaining: number[][] = [];
    const plans: GroupPlan[] = [];
    for (const group of groups) {
      const plan = this.plan(records, keysOf, group, links, roots, ownerInStore, at);
      if (plan) plans.push(plan);
      else remaining.push([...group]);
    }

    // Customers first (nothing points at them yet), then the key claims; a group whose claim
    // collided writes no link and goes to the per-record linker, which settles the race.
    await insertAll(graph.customers, plans.flatMap((plan) => plan.customers));
    const keyCollisions = new Set(await insertAll(graph.keys, plans.flatMap((plan) => plan.keys)));
    const claimed = plans.filter((plan) => !plan.keys.some((key) => keyCollisions.has(key._id)));
    const linkCollisions = new Set(await insertAll(graph.links, claimed.flatMap((plan) => plan.links)));
    const linked = claimed.filter((plan) => !plan.links.some((link) => linkCollisions.has(link._id)));
    // An entry that exists already is the same entry.
    await insertAll(graph.search, linked.flatMap((plan) => plan.search));
    await insertAll(graph.searchTerms, linked.flatMap((plan) => plan.searchTerms));
    for (const plan of plans) {
      if (linked.includes(plan)) for (const [index, outcome] of plan.outcomes) outcomes.set(index, outcome);
      else remaining.push(plan.group);
    }
    return { outcomes, remaining };
  }

  /** Replays one group in memory; null when it is not one of the simple cases (see the class). */
  private plan(
    records: readonly SourceRecord[],
    keysOf: readonly ReturnType<RecordLinker['keysOf']>[],
    group: readonly number[],
    links: ReadonlyMap<string, LinkDoc>,
    roots: ReadonlyMap<string, string>,
    ownerInStore: (keyId: string) => string | undefined,
    at: Date,
  ): GroupPlan | null {
    const owner = new Map<string, string>(); // key id -> customer, as the replay goes
    const ownerOf = (keyId: string) => owner.get(keyId) ?? ownerInStore(keyId);
    const plan: GroupPlan = { group: [...group], outcomes: [], customers: [], links: [], keys: [], search: [], searchTerms: [] };
    for (const index of group) {
      const record = records[index]!;
      const keys = keysOf[index]!;
      const linkId = refId(record);
      const existing = links.get(linkId);
      if (existing) {
        const target = roots.get(existing.customerId)!;
        const unchanged = sameSet(existing.keys, keys.map((key) => key.id)) && keys.every((key) => ownerOf(key.id) === target);
        if (!unchanged) return null;
        plan.outcomes.push([index, { system: record.system, recordId: record.recordId, customerId: target, candidatesRecorded: 0 }]);
        continue;
      }
      const owners = new Set(keys.flatMap((key) => ownerOf(key.id) ?? []));
      if (owners.size > 1) return null;
      const matched = keys.filter((key) => ownerOf(key.id) !== undefined);
      let target = [...owners][0];
      let createdCustomerId: string | undefined;
      if (!target) {
        target = createdCustomerId = newCustomerId();
        plan.customers.push({ _id: target, createdAt: at, createdBy: NEW_RECORD_RULE });
      }
      plan.links.push({
        _id: linkId,
        system: record.system,
        recordId: record.recordId,
        customerId: target,
        keys: keys.map((key) => key.id),
        matchedKeys: matched.map((key) => key.id),
        manual: false,
        rule: matched[0]?.rule ?? NEW_RECORD_RULE,
        at,
        recordUpdatedAt: record.updatedAt,
      });
      for (const key of keys) {
        if (ownerOf(key.id) !== undefined) continue;
        owner.set(key.id, target);
        plan.keys.push({ _id: key.id, customerId: target, rule: key.rule, system: record.system, recordId: record.recordId, claimedAt: at });
      }
      const entries = searchEntriesOf(record, linkId, target);
      plan.search.push(...entries.names);
      plan.searchTerms.push(...entries.terms);
      plan.outcomes.push([index, { system: record.system, recordId: record.recordId, customerId: target, createdCustomerId, candidatesRecorded: 0 }]);
    }
    return plan;
  }
}

/** One group's replay: its outcomes and the documents to insert. */
interface GroupPlan {
  group: number[];
  outcomes: [number, LinkOutcome][];
  customers: CustomerDoc[];
  links: LinkDoc[];
  keys: KeyDoc[];
  search: SearchDoc[];
  searchTerms: SearchTermDoc[];
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((value) => b.includes(value));
}
