import { setMaxListeners } from 'node:events';
import type { CallOptions, LookupKey, SourceAdapter, SourceRecord, SourceRef } from '../adapters/source-adapter';
import { SourceError, sourcesUnavailableError } from '../adapters/http/source-error';
import { BadUserInputError } from '../errors/gateway-error';
import type { IdentityGraph } from './identity-graph';
import { keyId, refId } from './identity-key';
import { normalizeEmail } from './normalize-email';
import { normalizePhone, type NormalizePhoneOptions } from './normalize-phone';
import type { LinkOutcome, RecordLinker } from './record-linker';
import { BulkLinker } from './bulk-linker';

/** How a customer is asked for: exactly one of these. */
export interface CustomerLookup {
  id?: string | null;
  email?: string | null;
  phone?: string | null;
  source?: SourceRef | null;
}

/** Options of {@link IdentityResolver}. */
export interface IdentityResolverOptions {
  graph: IdentityGraph;
  linker: RecordLinker;
  /** Called with the ids of customers resolution created (e.g. consent's `registerCustomers`). @default none */
  onCustomersCreated?: (ids: string[]) => Promise<void> | void;
  /** How phone lookups are normalised; use the linker's setting. @default {} */
  phone?: NormalizePhoneOptions;
  /** Groups of related records linked at once in {@link IdentityResolver.resolveRecords}. @default 4 */
  concurrency?: number;
  /** Budget for looking an unknown key up in the sources, in ms. @default 3000 */
  lookupTimeoutMs?: number;
}

/** A source call whose failure is always a {@link SourceError} of that source (a bug in an adapter counts as the source being unavailable). */
async function asSourceCall<T>(adapter: SourceAdapter, call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (error) {
    throw error instanceof SourceError ? error : new SourceError(adapter.name, 'UNAVAILABLE', { cause: error });
  }
}

/** How many further keys a lookup follows from the records it found. */
const MAX_EXPANDED_KEYS = 4;

/**
 * Links source records to customers, and finds a customer by id, email, phone or
 * source record: a key the graph does not know yet is looked up in every source and
 * the records found are linked, so the next read is a graph hit.
 */
export class IdentityResolver {
  private readonly graph: IdentityGraph;
  private readonly linker: RecordLinker;
  private readonly onCustomersCreated: IdentityResolverOptions['onCustomersCreated'];
  private readonly phone: NormalizePhoneOptions;
  private readonly concurrency: number;
  private readonly lookupTimeoutMs: number;
  private readonly bulk: BulkLinker;

  constructor({ graph, linker, onCustomersCreated, phone = {}, concurrency = 4, lookupTimeoutMs = 3000 }: IdentityResolverOptions) {
    this.graph = graph;
    this.linker = linker;
    this.onCustomersCreated = onCustomersCreated;
    this.phone = phone;
    this.concurrency = concurrency;
    this.lookupTimeoutMs = lookupTimeoutMs;
    this.bulk = new BulkLinker(graph, linker);
  }

  /**
   * Links every record to its customer; answers one outcome per record, in order.
   * Records that share a key are linked one after another (so they meet in the graph
   * without a race); unrelated groups run concurrently.
   */
  async resolveRecords(records: readonly SourceRecord[]): Promise<LinkOutcome[]> {
    return this.linkGroups(records, this.groupsOf(records), new Map());
  }

  /**
   * The same for a whole page of a source (the backfill): the groups that are new or
   * unchanged are linked in a few batched reads and writes ({@link BulkLinker}), the
   * others record by record.
   */
  async resolvePage(records: readonly SourceRecord[]): Promise<LinkOutcome[]> {
    const { outcomes, remaining } = await this.bulk.linkGroups(records, this.groupsOf(records));
    return this.linkGroups(records, remaining, outcomes);
  }

  private groupsOf(records: readonly SourceRecord[]): number[][] {
    return groupRelated(records, (record) => this.linker.keysOf(record).map((key) => key.id));
  }

  /** Links the groups record by record (beside outcomes already known), then reports the customers created. */
  private async linkGroups(records: readonly SourceRecord[], groups: readonly number[][], known: ReadonlyMap<number, LinkOutcome>): Promise<LinkOutcome[]> {
    const outcomes = new Array<LinkOutcome>(records.length);
    for (const [index, outcome] of known) outcomes[index] = outcome;
    let next = 0;
    const worker = async () => {
      while (next < groups.length) {
        const group = groups[next++]!;
        for (const index of group) outcomes[index] = await this.linker.link(records[index]!);
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, groups.length) }, worker));
    const created = outcomes.flatMap((outcome) => (outcome.createdCustomerId ? [outcome.createdCustomerId] : []));
    if (created.length > 0) await this.onCustomersCreated?.(created);
    return outcomes;
  }

  /**
   * The surviving customer id for a lookup, or null when nobody matches. An email,
   * phone or source record the graph does not know is looked up in the sources
   * (`adapters`) and whatever is found is linked first. When nothing is found and a
   * source that could hold the key failed, the answer is SOURCE_UNAVAILABLE naming
   * those systems: null means every source answered and none holds the key. A record
   * found in one source answers even when another failed (its profile shows which).
   * `calls.sourceCalls` is the request's allowance of source calls, which lookups spend.
   */
  async findCustomer(by: CustomerLookup, adapters: readonly SourceAdapter[], calls: Pick<CallOptions, 'sourceCalls'> = {}): Promise<string | null> {
    const given = (['id', 'email', 'phone', 'source'] as const).filter((field) => by[field] !== undefined && by[field] !== null);
    if (given.length !== 1) throw new BadUserInputError('`by` must give exactly one of id, email, phone or source.');
    if (by.id === '') throw new BadUserInputError('`by.id` is empty; give a customer id.');
    if (by.id) return this.graph.resolveId(by.id);
    if (by.source) return this.findBySource(by.source, adapters, calls);
    const key = this.lookupKey(by);
    const known = await this.customerOfKey(keyId({ kind: key.kind, value: key.value }));
    if (known) return known;
    const { found, failures } = await this.lookUpInSources(key, adapters, calls);
    if (found === 0 && failures.length > 0) throw sourcesUnavailableError(failures, `Could not tell whether a customer has this ${key.kind}`);
    if (found === 0) return null;
    return this.customerOfKey(keyId({ kind: key.kind, value: key.value }));
  }

  /**
   * Looks a key up in every source and links what is found; then looks up, once, the
   * other emails and phones those records hold (at most `maxExpandedKeys`), so a person
   * whose ESP record carries only their work email is found whole on the first read.
   * Answers how many records were found, and the sources that failed.
   */
  private async lookUpInSources(
    first: LookupKey,
    adapters: readonly SourceAdapter[],
    { sourceCalls }: Pick<CallOptions, 'sourceCalls'>,
  ): Promise<{ found: number; failures: SourceError[] }> {
    const signal = AbortSignal.timeout(this.lookupTimeoutMs);
    setMaxListeners(0, signal); // unbounded: one listener per source call and page, for this lookup only
    const asked = new Set([keyId(first)]);
    const seen = new Set<string>();
    const failures = new Map<string, SourceError>();
    let keys = [first];
    for (let round = 0; round < 2 && keys.length > 0; round++) {
      const calls = keys.flatMap((key) => adapters.map((adapter) => asSourceCall(adapter, adapter.findByKey(key, { signal, sourceCalls }))));
      const settled = await Promise.allSettled(calls);
      for (const result of settled) if (result.status === 'rejected') failures.set((result.reason as SourceError).system, result.reason as SourceError);
      const found = settled.flatMap((result) => (result.status === 'fulfilled' ? result.value : []));
      const fresh = found.filter((record) => !seen.has(refId(record)) && seen.add(refId(record)));
      if (fresh.length === 0) break;
      await this.resolveRecords(fresh);
      keys = fresh
        .flatMap((record) => this.linker.keysOf(record))
        .filter((key) => key.kind !== 'ref' && !asked.has(key.id) && asked.add(key.id))
        .slice(0, MAX_EXPANDED_KEYS)
        .map((key) => ({ kind: key.kind as LookupKey['kind'], value: key.id.slice(key.kind.length + 1) }));
    }
    return { found: seen.size, failures: [...failures.values()] };
  }

  private lookupKey(by: CustomerLookup): LookupKey {
    if (by.email !== undefined && by.email !== null) {
      const value = normalizeEmail(by.email);
      if (!value) throw new BadUserInputError('`by.email` is not an email address.');
      return { kind: 'email', value };
    }
    const value = normalizePhone(by.phone, this.phone);
    if (!value) throw new BadUserInputError('`by.phone` is not a valid phone number; give it in international form, e.g. +44 7911 123456.');
    return { kind: 'phone', value };
  }

  private async findBySource(source: SourceRef, adapters: readonly SourceAdapter[], { sourceCalls }: Pick<CallOptions, 'sourceCalls'>): Promise<string | null> {
    const link = await this.graph.links.findOne({ _id: refId(source) });
    if (link) return this.graph.rootOf(link.customerId);
    const adapter = adapters.find((candidate) => candidate.name === source.system);
    if (!adapter) throw new BadUserInputError(`\`by.source.system\` "${source.system}" is not a connected system; see the systems query.`);
    const [record] = await adapter.fetchByIds([source.recordId], { signal: AbortSignal.timeout(this.lookupTimeoutMs), sourceCalls });
    if (!record) return null;
    const [outcome] = await this.resolveRecords([record]);
    return outcome!.customerId;
  }

  private async customerOfKey(id: string): Promise<string | null> {
    const key = await this.graph.keys.findOne({ _id: id });
    return key ? this.graph.rootOf(key.customerId) : null;
  }
}

/** Groups record indexes that share any key (union-find), each group in input order. */
function groupRelated<T>(items: readonly T[], keysOf: (item: T) => string[]): number[][] {
  const parent = items.map((_, index) => index);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i]!)));
  const ownerOfKey = new Map<string, number>();
  items.forEach((item, index) => {
    for (const key of keysOf(item)) {
      const owner = ownerOfKey.get(key);
      if (owner === undefined) ownerOfKey.set(key, index);
      else parent[find(index)] = find(owner);
    }
  });
  const groups = new Map<number, number[]>();
  items.forEach((_, index) => {
    const root = find(index);
    groups.set(root, [...(groups.get(root) ?? []), index]);
  });
  return [...groups.values()];
}
