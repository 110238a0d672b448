import { randomUUID } from 'node:crypto';
import type { Collection } from 'mongodb';
import { collectionNames } from '../store/collections';
import { isDuplicateKeyError } from '../store/duplicate-key';
import { findWhereIn, readByIds } from '../store/batched-reads';
import type { MongoStore } from '../store/mongo-store';
import { newCustomerId } from './customer-id';
import type {
  Attribution,
  CandidateDoc,
  CustomerDoc,
  DecisionDoc,
  IdentityEventDoc,
  KeyDoc,
  LinkDoc,
  RedirectDoc,
  SearchDoc,
  SearchTermDoc,
  SyncCursorDoc,
} from './graph-documents';

/** Options of {@link IdentityGraph}. */
export interface IdentityGraphOptions {
  /** The store holding the graph's collections. */
  store: MongoStore;
  /** Redirect chains longer than this are a corrupt graph and fail loudly. @default 64 */
  maxRedirectHops?: number;
}

/**
 * The identity graph's storage primitives (DESIGN.md "Data model"): customers,
 * write-once redirects, links, key claims, candidates. Every claim is a unique
 * `_id` insert, so several gateway processes can work on one graph at once; readers
 * always follow redirects, so a pointer to a merged customer is never wrong, only
 * one hop longer. Matching policy lives in {@link RecordLinker}, not here.
 */
export class IdentityGraph {
  readonly customers: Collection<CustomerDoc>;
  readonly redirects: Collection<RedirectDoc>;
  readonly links: Collection<LinkDoc>;
  readonly keys: Collection<KeyDoc>;
  readonly candidates: Collection<CandidateDoc>;
  readonly decisions: Collection<DecisionDoc>;
  readonly search: Collection<SearchDoc>;
  readonly searchTerms: Collection<SearchTermDoc>;
  readonly events: Collection<IdentityEventDoc>;
  readonly cursors: Collection<SyncCursorDoc>;
  private readonly maxRedirectHops: number;

  constructor({ store, maxRedirectHops = 64 }: IdentityGraphOptions) {
    this.maxRedirectHops = maxRedirectHops;
    this.customers = store.collection<CustomerDoc>(collectionNames.identityCustomers);
    this.redirects = store.collection<RedirectDoc>(collectionNames.identityRedirects);
    this.links = store.collection<LinkDoc>(collectionNames.identityLinks);
    this.keys = store.collection<KeyDoc>(collectionNames.identityKeys);
    this.candidates = store.collection<CandidateDoc>(collectionNames.identityCandidates);
    this.decisions = store.collection<DecisionDoc>(collectionNames.identityDecisions);
    this.search = store.collection<SearchDoc>(collectionNames.identitySearch);
    this.searchTerms = store.collection<SearchTermDoc>(collectionNames.identitySearchTerms);
    this.events = store.collection<IdentityEventDoc>(collectionNames.identityEvents);
    this.cursors = store.collection<SyncCursorDoc>(collectionNames.identitySyncCursors);
  }

  /** Creates a golden customer and answers its id. Nothing points at it until a link or key claim does. */
  async createCustomer(createdBy: string): Promise<string> {
    const id = newCustomerId();
    await this.customers.insertOne({ _id: id, createdAt: new Date(), createdBy });
    return id;
  }

  /** Deletes a customer this process created and then lost a claim race with: nothing references it. */
  async discardCustomer(id: string): Promise<void> {
    await this.customers.deleteOne({ _id: id });
  }

  /** The surviving id of each given id (itself when never merged); ids need not exist. */
  async rootsOf(ids: readonly string[]): Promise<Map<string, string>> {
    const roots = new Map<string, string>(ids.map((id) => [id, id]));
    let pending = [...new Set(ids)];
    for (let hop = 0; pending.length > 0; hop++) {
      if (hop > this.maxRedirectHops) throw new Error(`Identity graph redirect chain longer than ${this.maxRedirectHops} hops.`);
      const currents = [...new Set(pending.map((id) => roots.get(id)!))];
      const found = await readByIds(this.redirects, currents);
      const next: string[] = [];
      for (const id of pending) {
        const redirect = found.get(roots.get(id)!);
        if (redirect) {
          roots.set(id, redirect.survivorId);
          next.push(id);
        }
      }
      pending = next;
    }
    return roots;
  }

  /** The surviving id of `id` (itself when never merged). */
  async rootOf(id: string): Promise<string> {
    return (await this.rootsOf([id])).get(id)!;
  }

  /** The surviving id of `id`, or null when no such customer was ever created. */
  async resolveId(id: string): Promise<string | null> {
    const root = await this.rootOf(id);
    return (await this.customers.findOne({ _id: root }, { projection: { _id: 1 } })) ? root : null;
  }

  /**
   * Merges the clusters of `a` and `b` and answers the survivor. The survivor is the
   * older customer (ids sort by creation time), so redirects always point to an older
   * id and can never form a cycle; the redirect is a unique insert, so of two
   * concurrent merges of one loser exactly one lands and the other retries from the
   * new roots. Safe to repeat.
   */
  async mergeClusters(a: string, b: string, attribution: Attribution): Promise<string> {
    for (let attempt = 0; attempt < this.maxRedirectHops; attempt++) {
      const roots = await this.rootsOf([a, b]);
      const rootA = roots.get(a)!;
      const rootB = roots.get(b)!;
      if (rootA === rootB) return rootA;
      const [survivorId, loserId] = rootA < rootB ? [rootA, rootB] : [rootB, rootA];
      try {
        await this.redirects.insertOne({ _id: loserId, survivorId, ...attribution });
      } catch (error) {
        if (isDuplicateKeyError(error)) continue; // a concurrent merge moved the loser first
        throw error;
      }
      await this.recordEvent('MERGE', [survivorId, loserId], [], attribution);
      return survivorId;
    }
    throw new Error('Identity graph merge did not settle; the redirect chain keeps changing.');
  }

  /** The redirects from `id` to its root, in order (empty when `id` is a root). */
  async redirectPath(id: string): Promise<RedirectDoc[]> {
    const path: RedirectDoc[] = [];
    for (let current = id; path.length <= this.maxRedirectHops; ) {
      const redirect = await this.redirects.findOne({ _id: current });
      if (!redirect) return path;
      path.push(redirect);
      current = redirect.survivorId;
    }
    throw new Error(`Identity graph redirect chain longer than ${this.maxRedirectHops} hops.`);
  }

  /** The redirects pointing straight at `id` (the customers merged into it). */
  redirectsInto(id: string): Promise<RedirectDoc[]> {
    return this.redirects.find({ survivorId: id }).toArray();
  }

  /**
   * Undoes one merge: the loser answers as itself again, with everything that still
   * points at it (links, keys, search entries, its consent log). False when another
   * process undid it first.
   */
  async undoMerge(loserId: string): Promise<boolean> {
    return (await this.redirects.deleteOne({ _id: loserId })).deletedCount === 1;
  }

  /** Every id whose cluster is now `root` (root first, then the ids merged into it). */
  async clusterIds(roots: readonly string[]): Promise<Map<string, string[]>> {
    const members = new Map<string, string[]>(roots.map((root) => [root, [root]]));
    const rootOfMember = new Map<string, string>(roots.map((root) => [root, root]));
    let frontier = [...new Set(roots)];
    for (let hop = 0; frontier.length > 0 && hop <= this.maxRedirectHops; hop++) {
      const merged = await findWhereIn(this.redirects, 'survivorId', frontier, { projection: { _id: 1, survivorId: 1 } });
      frontier = [];
      for (const { _id, survivorId } of merged) {
        const root = rootOfMember.get(survivorId)!;
        if (rootOfMember.has(_id)) continue;
        rootOfMember.set(_id, root);
        members.get(root)!.push(_id);
        frontier.push(_id);
      }
    }
    return members;
  }

  /** The links of each customer's whole cluster, keyed by the given (root) id: indexed queries on `survivorId` and `customerId`. */
  async linksOfCustomers(roots: readonly string[]): Promise<Map<string, LinkDoc[]>> {
    const clusters = await this.clusterIds(roots);
    const rootOfMember = new Map<string, string>();
    for (const [root, ids] of clusters) for (const id of ids) rootOfMember.set(id, root);
    const result = new Map<string, LinkDoc[]>(roots.map((root) => [root, []]));
    if (rootOfMember.size === 0) return result;
    const docs = await findWhereIn(this.links, 'customerId', [...rootOfMember.keys()]);
    for (const doc of docs) result.get(rootOfMember.get(doc.customerId)!)!.push(doc);
    for (const list of result.values()) list.sort((x, y) => x._id.localeCompare(y._id));
    return result;
  }

  /** Inserts a link; false when the record is already linked (the caller re-reads and adopts). */
  async claimLink(doc: LinkDoc): Promise<boolean> {
    return this.claim(this.links, doc);
  }

  /** Inserts a key claim; false when another customer (or this one) already holds the key. */
  async claimKey(doc: KeyDoc): Promise<boolean> {
    return this.claim(this.keys, doc);
  }

  /** Inserts a candidate; false when the pair was already recorded (open or decided). */
  async claimCandidate(doc: CandidateDoc): Promise<boolean> {
    return this.claim(this.candidates, doc);
  }

  /** Inserts a decision; false when the candidate was already decided. */
  async claimDecision(doc: DecisionDoc): Promise<boolean> {
    return this.claim(this.decisions, doc);
  }

  /** True when a steward (or an unlink) decided the two customers are different people. */
  async keptSeparate(a: string, b: string): Promise<boolean> {
    const candidate = await this.candidates.findOne({ _id: candidateId(a, b) }, { projection: { status: 1 } });
    return candidate?.status === 'KEPT_SEPARATE';
  }

  /** Appends an audit entry. */
  async recordEvent(
    type: IdentityEventDoc['type'],
    customerIds: string[],
    records: IdentityEventDoc['records'],
    attribution: Attribution,
    extra: Pick<IdentityEventDoc, 'undoneMerge' | 'toReview'> = {},
  ): Promise<void> {
    await this.events.insertOne({ _id: randomUUID(), type, customerIds, records, ...attribution, ...extra });
  }

  /** The audit entries naming `customerId`, newest first (an indexed query on `customerIds`). */
  async eventsOf(customerId: string, first: number): Promise<IdentityEventDoc[]> {
    const events = await this.events.find({ customerIds: customerId }).toArray();
    return events.sort((a, b) => b.at.getTime() - a.at.getTime() || b._id.localeCompare(a._id)).slice(0, first);
  }

  private async claim<T extends { _id: string }>(collection: Collection<T>, doc: T): Promise<boolean> {
    try {
      await collection.insertOne(doc as never);
      return true;
    } catch (error) {
      if (isDuplicateKeyError(error)) return false;
      throw error;
    }
  }
}

/** The id of the candidate about two customers: both ids, sorted, so either order finds it. */
export function candidateId(a: string, b: string): string {
  return a < b ? `${a}|${b}` : `${b}|${a}`;
}
