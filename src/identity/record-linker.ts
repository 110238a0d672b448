import type { SourceRecord } from '../adapters/source-adapter';
import type { IdentityGraph } from './identity-graph';
import { candidateId } from './identity-graph';
import { keyId, keysOfRecord, refId } from './identity-key';
import type { IdentityKeyKind } from './identity-key';
import { defaultMatchRules, validateMatchRules, type MatchRule } from './matching-rules';
import type { NormalizePhoneOptions } from './normalize-phone';
import { readByIds } from '../store/batched-reads';
import { insertAll } from '../store/insert-all';
import { searchEntriesOf } from './search-entries';

/** Options of {@link RecordLinker}. */
export interface RecordLinkerOptions {
  graph: IdentityGraph;
  /** Deterministic matching rules, strongest first. @default defaultMatchRules */
  rules?: readonly MatchRule[];
  /** How phone keys are normalised. @default {} (GB, valid numbers only) */
  phone?: NormalizePhoneOptions;
}

/** What linking one record did. */
export interface LinkOutcome {
  system: string;
  recordId: string;
  /** The surviving customer the record belongs to now. */
  customerId: string;
  /** The customer this call created (still existing, possibly already merged), if any. */
  createdCustomerId?: string;
  /** Clashes this call recorded for a data steward. */
  candidatesRecorded: number;
}

interface RuledKey {
  id: string;
  kind: IdentityKeyKind;
  rule: string;
  /** A clash on this key merges (true) or becomes a candidate (false). */
  bridges: boolean;
}

/** The rule name for a record that matched nothing and starts a customer of its own. */
export const NEW_RECORD_RULE = 'new-record';

/**
 * Links one source record into the identity graph, safely alongside other processes
 * doing the same (DESIGN.md): the record's link and each of its keys are claimed
 * with unique inserts; the loser of a race adopts the winner's customer. When a key
 * is held by a different customer:
 *  - if this call created the record's customer (none of its keys was known when it
 *    looked), another process claimed the key in between: the first such key merges the
 *    two, which is exactly what the rule does had the records arrived one after the other
 *    (this record would have matched the other customer instead of creating one);
 *  - if the key's rule bridges (a cross-reference, a second email: the record says both
 *    are one person), the two clusters merge;
 *  - otherwise (a phone pointing elsewhere) it is a clash, recorded as a candidate for a
 *    data steward, never merged silently.
 * Re-linking an unchanged record changes nothing, so a backfill is safe to rerun.
 */
export class RecordLinker {
  private readonly graph: IdentityGraph;
  private readonly rules: readonly MatchRule[];
  private readonly phone: NormalizePhoneOptions;

  constructor({ graph, rules = defaultMatchRules, phone = {} }: RecordLinkerOptions) {
    this.graph = graph;
    this.rules = validateMatchRules(rules);
    this.phone = phone;
  }

  /** The record's keys that some rule matches on, strongest rule first. */
  keysOf(record: SourceRecord): RuledKey[] {
    const ruleOf = new Map(this.rules.map((rule, index) => [rule.key, { rule, index }]));
    return keysOfRecord(record, { phone: this.phone })
      .filter((key) => ruleOf.has(key.kind))
      .map((key) => {
        const { rule, index } = ruleOf.get(key.kind)!;
        return { id: keyId(key), kind: key.kind, rule: rule.name, bridges: rule.bridges ?? key.kind !== 'phone', order: index };
      })
      .sort((a, b) => a.order - b.order || a.id.localeCompare(b.id))
      .map(({ id, kind, rule, bridges }) => ({ id, kind, rule, bridges }));
  }

  /** Links `record` to its customer (creating one if it matches nobody) and claims its keys. */
  async link(record: SourceRecord): Promise<LinkOutcome> {
    const { graph } = this;
    const at = new Date();
    const keys = this.keysOf(record);
    const linkId = refId(record);
    const existing = await graph.links.findOne({ _id: linkId });
    const held = await readByIds(graph.keys, keys.map((key) => key.id));
    const roots = await graph.rootsOf([...(existing ? [existing.customerId] : []), ...[...held.values()].map((doc) => doc.customerId)]);
    const keyIds = keys.map((key) => key.id);

    let target: string;
    let createdCustomerId: string | undefined;
    if (existing) {
      target = roots.get(existing.customerId)!;
      if (!sameSet(existing.keys, keyIds)) await graph.links.updateOne({ _id: linkId }, { $set: { keys: keyIds, recordUpdatedAt: record.updatedAt } });
    } else {
      const matched = keys.filter((key) => held.has(key.id));
      const first = matched[0];
      if (first) {
        target = roots.get(held.get(first.id)!.customerId)!;
      } else {
        target = await graph.createCustomer(NEW_RECORD_RULE);
        createdCustomerId = target;
      }
      const won = await graph.claimLink({
        _id: linkId,
        system: record.system,
        recordId: record.recordId,
        customerId: target,
        keys: keyIds,
        matchedKeys: matched.map((key) => key.id),
        manual: false,
        rule: first?.rule ?? NEW_RECORD_RULE,
        at,
        recordUpdatedAt: record.updatedAt,
      });
      if (!won) {
        // Another process linked this very record first: adopt its customer.
        if (createdCustomerId) await graph.discardCustomer(createdCustomerId);
        createdCustomerId = undefined;
        const winner = await graph.links.findOne({ _id: linkId });
        target = await graph.rootOf(winner!.customerId);
      }
    }

    let candidatesRecorded = 0;
    // Only the first clash of a customer this call created is a lost race; a second one
    // is a real clash (sequentially, this record would have matched both customers).
    let createdHere = createdCustomerId !== undefined;
    for (const key of keys) {
      let owner: string;
      const heldBy = held.get(key.id);
      if (heldBy) {
        owner = roots.get(heldBy.customerId)!;
        if (owner === target) continue; // the common case: no store read needed
      } else {
        const claimed = await graph.claimKey({
          _id: key.id,
          customerId: target,
          rule: key.rule,
          system: record.system,
          recordId: record.recordId,
          claimedAt: at,
        });
        if (claimed) continue;
        const winner = await graph.keys.findOne({ _id: key.id });
        owner = winner!.customerId;
      }
      // An apparent clash: re-read both roots, a merge may have joined them meanwhile.
      const roots2 = await graph.rootsOf([target, owner]);
      target = roots2.get(target)!;
      owner = roots2.get(owner)!;
      if (owner === target) continue;
      if (createdHere || key.bridges) {
        createdHere = false;
        if (!(await graph.keptSeparate(target, owner))) target = await graph.mergeClusters(target, owner, { rule: key.rule, at });
        continue;
      }
      if (await this.recordClash(target, owner, key, record, at)) candidatesRecorded++;
    }

    if (!existing || !sameSet(existing.keys, keyIds)) await this.indexSearch(record, linkId, target);
    return { system: record.system, recordId: record.recordId, customerId: await graph.rootOf(target), createdCustomerId, candidatesRecorded };
  }

  /** A key of the record is held by `owner`, the record belongs to `target`: record a candidate (unless decided). */
  private async recordClash(target: string, owner: string, key: RuledKey, record: SourceRecord, at: Date): Promise<boolean> {
    const { graph } = this;
    if (await graph.keptSeparate(target, owner)) return false;
    const ids = [target, owner].sort() as [string, string];
    const recorded = await graph.claimCandidate({
      _id: candidateId(target, owner),
      customerIds: ids,
      status: 'OPEN',
      system: record.system,
      recordId: record.recordId,
      clashingKeys: [key.kind],
      createdAt: at,
    });
    if (recorded) await graph.recordEvent('CANDIDATE', ids, [{ system: record.system, recordId: record.recordId }], { rule: key.rule, at });
    return recorded;
  }

  /**
   * Writes the record's search entries (name tokens and exact terms). An entry that exists
   * already is left as it is: its customer id may be stale after a merge, which search
   * resolves through the redirects, and an insert is cheaper than an upsert on FerretDB.
   */
  private async indexSearch(record: SourceRecord, linkId: string, customerId: string): Promise<void> {
    const { names, terms } = searchEntriesOf(record, linkId, customerId);
    await Promise.all([insertAll(this.graph.search, names), insertAll(this.graph.searchTerms, terms)]);
  }
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((value) => b.includes(value));
}
