import type { SourceRef } from '../adapters/source-adapter';
import { BadUserInputError, ConflictError, NotFoundError } from '../errors/gateway-error';
import type { ConsentEventLister, ConsentLister, ConsentSummary } from './consent-lister';
import type { Attribution, CandidateDoc, CandidateStatus, IdentityEventDoc, LinkDoc, RedirectDoc } from './graph-documents';
import { candidateId, type IdentityGraph } from './identity-graph';
import { parseKeyId, refId } from './identity-key';
import { normalizeEmail } from './normalize-email';
import { normalizePhone, type NormalizePhoneOptions } from './normalize-phone';

/** Options of {@link IdentityService}. */
export interface IdentityServiceOptions {
  graph: IdentityGraph;
  /** Lists a customer's consents for unlink reports. @default none: reports are empty */
  listConsents?: ConsentLister;
  /** Lists the consent events recorded on a customer since a time, for a steward's review after an undone merge. @default none */
  listConsentEvents?: ConsentEventLister;
  /** Called with the ids of customers an unlink created (e.g. consent's `registerCustomers`). @default none */
  onCustomersCreated?: (ids: string[]) => Promise<void> | void;
  /** How consent contact points are normalised to compare with phone keys. @default {} */
  phone?: NormalizePhoneOptions;
}

/** Who did a manual action (the caller's principal id) and why. */
export interface ManualAction {
  actor: string;
  reason: string;
}

/** A candidate as the API shows it. */
export interface IdentityCandidate {
  id: string;
  customerIds: [string, string];
  status: CandidateStatus;
  record: SourceRef;
  clashingKeys: string[];
  createdAt: Date;
  decidedAt?: Date;
  decidedBy?: string;
  decisionReason?: string;
}

/** What an unlink did. */
export interface UnlinkOutcome {
  /** The customer the record was split from. */
  originalCustomerId: string;
  /** The new customer holding the record. */
  splitCustomerId: string;
  /** The key kinds that moved with the record (never values). */
  movedKeyKinds: string[];
  /** The original customer's consents: those whose contact point is one of the moved keys go with the split. */
  consents: { original: ConsentSummary[]; split: ConsentSummary[] };
  /** True when the unlink undid a person's merge (the split customer is the merged-away one, restored). */
  undoneMerge: boolean;
  /** What was added to the original customer while merged, for a data steward to review. */
  toReview: NonNullable<IdentityEventDoc['toReview']>;
}

/** The rules of merges made by a person, which an unlink undoes. */
const PERSON_RULES: ReadonlySet<string> = new Set(['manual', 'steward']);

/** The steward's and agent's operations on the identity graph: candidates, manual links, unlinks. */
export class IdentityService {
  private readonly graph: IdentityGraph;
  private readonly listConsents: ConsentLister | undefined;
  private readonly listConsentEvents: ConsentEventLister | undefined;
  private readonly onCustomersCreated: IdentityServiceOptions['onCustomersCreated'];
  private readonly phone: NormalizePhoneOptions;

  constructor({ graph, listConsents, listConsentEvents, onCustomersCreated, phone = {} }: IdentityServiceOptions) {
    this.graph = graph;
    this.listConsents = listConsents;
    this.listConsentEvents = listConsentEvents;
    this.onCustomersCreated = onCustomersCreated;
    this.phone = phone;
  }

  /** Candidates with the given status, oldest first. */
  async candidates(status: CandidateStatus = 'OPEN', first = 50): Promise<IdentityCandidate[]> {
    if (!Number.isInteger(first) || first < 1 || first > 500) throw new BadUserInputError('`first` must be a whole number from 1 to 500.');
    const docs = await this.graph.candidates.find({ status }).sort({ createdAt: 1, _id: 1 }).limit(first).toArray();
    if (status !== 'OPEN') return docs.map(toCandidate);
    // A process that lost a resolution race may have recorded a pair that the winner then
    // merged: such a candidate is settled already, so close it instead of showing it.
    const roots = await this.graph.rootsOf(docs.flatMap((doc) => doc.customerIds));
    const open: CandidateDoc[] = [];
    for (const doc of docs) {
      if (roots.get(doc.customerIds[0]) !== roots.get(doc.customerIds[1])) open.push(doc);
      else await this.graph.candidates.updateOne({ _id: doc._id }, { $set: { status: 'MERGED', decidedAt: new Date(), decidedBy: 'identity-rules' } });
    }
    return open.map(toCandidate);
  }

  /**
   * Decides a candidate: MERGE merges the two clusters, KEEP_SEPARATE keeps them apart
   * (and stops rules from merging them). The decision is a unique insert, so of two
   * stewards deciding at once one wins; repeating the same decision answers the same.
   */
  async resolveCandidate(id: string, decision: 'MERGE' | 'KEEP_SEPARATE', { actor, reason }: ManualAction): Promise<IdentityCandidate> {
    requireText('actor', actor);
    requireText('reason', reason);
    const candidate = await this.graph.candidates.findOne({ _id: id });
    if (!candidate) throw new NotFoundError(`No identity candidate has id "${id}"; list them with identityCandidates.`);
    const at = new Date();
    const won = await this.graph.claimDecision({ _id: id, decision, actor, reason, at });
    if (!won) {
      const earlier = await this.graph.decisions.findOne({ _id: id });
      if (earlier?.decision !== decision) {
        throw new ConflictError(`Candidate "${id}" was already decided as ${earlier?.decision}; it cannot also be ${decision}.`);
      }
    }
    const final = won ? { decision, actor, reason, at } : (await this.graph.decisions.findOne({ _id: id }))!;
    if (final.decision === 'MERGE') {
      await this.graph.mergeClusters(candidate.customerIds[0], candidate.customerIds[1], { rule: 'steward', actor: final.actor, reason: final.reason, at: final.at });
    }
    // The candidate's status is a projection of the decision: rewriting it is idempotent.
    const status: CandidateStatus = final.decision === 'MERGE' ? 'MERGED' : 'KEPT_SEPARATE';
    await this.graph.candidates.updateOne(
      { _id: id },
      { $set: { status, decidedAt: final.at, decidedBy: final.actor, decisionReason: final.reason } },
    );
    if (won) await this.graph.recordEvent('DECISION', [...candidate.customerIds], [{ system: candidate.system, recordId: candidate.recordId }], { rule: 'steward', actor, reason, at });
    return toCandidate((await this.graph.candidates.findOne({ _id: id }))!);
  }

  /**
   * Puts the given records under one customer: the clusters they belong to are merged
   * (the oldest survives; the others become redirects), and records the graph has not
   * seen yet are linked to the survivor. Answers the survivor's id.
   */
  async linkRecords(records: SourceRef[], { actor, reason }: ManualAction): Promise<string> {
    requireText('actor', actor);
    requireText('reason', reason);
    if (records.length < 2) throw new BadUserInputError('`records` must name at least two source records to link.');
    const at = new Date();
    const attribution = { rule: 'manual', actor, reason, at };
    const links = await Promise.all(records.map((record) => this.graph.links.findOne({ _id: refId(record) })));
    const known = links.filter((link): link is LinkDoc => link !== null).map((link) => link.customerId);
    let survivor = known[0] ?? (await this.graph.createCustomer('manual'));
    const created = known.length === 0 ? [survivor] : [];
    for (const other of known.slice(1)) {
      const roots = await this.graph.rootsOf([survivor, other]);
      const [a, b] = [roots.get(survivor)!, roots.get(other)!];
      if (a !== b) await this.markMerged(a, b, attribution);
      survivor = await this.graph.mergeClusters(a, b, attribution);
    }
    for (const [index, record] of records.entries()) {
      if (links[index]) continue;
      const won = await this.graph.claimLink({
        _id: refId(record),
        system: record.system,
        recordId: record.recordId,
        customerId: survivor,
        keys: [],
        matchedKeys: [],
        manual: true,
        ...attribution,
      });
      if (!won) {
        const winner = await this.graph.links.findOne({ _id: refId(record) });
        survivor = await this.graph.mergeClusters(survivor, winner!.customerId, attribution);
      }
    }
    survivor = await this.graph.rootOf(survivor);
    await this.graph.recordEvent('LINK', [survivor], records.map(({ system, recordId }) => ({ system, recordId })), attribution);
    if (created.length > 0) await this.onCustomersCreated?.(created);
    return survivor;
  }

  /**
   * Takes a record out of its customer. When a person's merge (a link or a steward's
   * decision) brought the record's customer together with another, the unlink undoes
   * that merge: the merged-away customer answers as itself again with every record,
   * key and consent it had. Otherwise the record is split off into a new customer with
   * the keys only it held. Either way the two customers are marked as kept separate, so
   * rules never merge them again, and the report says which consents concern which side.
   */
  async unlinkRecord(record: SourceRef, { actor, reason }: ManualAction): Promise<UnlinkOutcome> {
    requireText('actor', actor);
    requireText('reason', reason);
    const link = await this.graph.links.findOne({ _id: refId(record) });
    if (!link) throw new NotFoundError(`Record ${record.system}/${record.recordId} is not linked to any customer; nothing to unlink.`);
    const attribution = { rule: 'manual', actor, reason, at: new Date() };
    const merge = await this.personMergeOf(link.customerId);
    return merge ? this.undoMerge(record, merge, attribution) : this.splitRecord(record, link, attribution);
  }

  /** A customer's identity history (links, unlinks, merges, decisions), newest first. */
  async history(customerId: string, first = 50): Promise<IdentityEventDoc[]> {
    if (!Number.isInteger(first) || first < 1 || first > 500) throw new BadUserInputError('`first` must be a whole number from 1 to 500.');
    return this.graph.eventsOf(customerId, first);
  }

  /**
   * The latest merge made by a person that joined `customerId` to another: on its way
   * to the root, else straight into it (the record's customer survived that merge).
   */
  private async personMergeOf(customerId: string): Promise<RedirectDoc | null> {
    const byPerson = (redirects: RedirectDoc[]) =>
      redirects.filter((redirect) => PERSON_RULES.has(redirect.rule)).sort((a, b) => b.at.getTime() - a.at.getTime())[0] ?? null;
    return byPerson(await this.graph.redirectPath(customerId)) ?? byPerson(await this.graph.redirectsInto(customerId));
  }

  private async undoMerge(record: SourceRef, merge: RedirectDoc, attribution: Attribution & ManualAction): Promise<UnlinkOutcome> {
    const original = await this.graph.rootOf(merge.survivorId);
    const split = merge._id;
    await this.graph.undoMerge(split); // false: a concurrent unlink undid it first, and this one answers the same
    await this.keepSeparate(original, split, record, attribution);
    const clusters = await this.graph.linksOfCustomers([original, split]);
    const mergedAt = merge.at;
    const toReview = {
      records: clusters.get(original)!.filter((link) => link.at >= mergedAt).map(({ system, recordId }) => ({ system, recordId })),
      consentEvents: (await this.listConsentEvents?.(original, mergedAt)) ?? [],
    };
    await this.graph.recordEvent('UNLINK', [original, split].sort(), [{ system: record.system, recordId: record.recordId }], attribution, {
      undoneMerge: { loserId: split, survivorId: merge.survivorId, mergedAt, mergedBy: merge.actor },
      toReview,
    });
    const [originalConsents, splitConsents] = await Promise.all([this.listConsents?.(original), this.listConsents?.(split)]);
    return {
      originalCustomerId: original,
      splitCustomerId: split,
      movedKeyKinds: [...new Set(clusters.get(split)!.flatMap((link) => link.keys.map((key) => parseKeyId(key).kind)))],
      consents: { original: originalConsents ?? [], split: splitConsents ?? [] },
      undoneMerge: true,
      toReview,
    };
  }

  private async splitRecord(record: SourceRef, link: LinkDoc, attribution: Attribution & ManualAction): Promise<UnlinkOutcome> {
    const original = await this.graph.rootOf(link.customerId);
    const members = (await this.graph.linksOfCustomers([original])).get(original) ?? [];
    if (members.length < 2) {
      throw new BadUserInputError(`Record ${record.system}/${record.recordId} is its customer's only record; there is nothing to split it from.`);
    }
    const split = await this.graph.createCustomer('manual');
    await this.graph.links.updateOne({ _id: link._id }, { $set: { customerId: split, manual: true, ...attribution } });
    const keptKeys = new Set(members.filter((member) => member._id !== link._id).flatMap((member) => member.keys));
    const moved = link.keys.filter((key) => !keptKeys.has(key));
    await Promise.all(moved.map((key) => this.graph.keys.updateOne({ _id: key }, { $set: { customerId: split, rule: 'manual', claimedAt: attribution.at } })));
    await this.graph.search.updateMany({ linkId: link._id }, { $set: { customerId: split } });
    await this.graph.searchTerms.updateMany({ linkId: link._id }, { $set: { customerId: split } });
    await this.keepSeparate(original, split, record, attribution);
    await this.graph.recordEvent('UNLINK', [original, split].sort(), [{ system: record.system, recordId: record.recordId }], attribution);
    await this.onCustomersCreated?.([split]);

    const movedValues = new Set(moved.map(parseKeyId).filter((key) => key.kind !== 'ref').map((key) => key.value));
    const consents = (await this.listConsents?.(original)) ?? [];
    const goesWithSplit = (consent: ConsentSummary) => {
      const point = consent.contactPoint ?? '';
      return movedValues.has(normalizeEmail(point) ?? '') || movedValues.has(normalizePhone(point, this.phone) ?? '');
    };
    return {
      originalCustomerId: original,
      splitCustomerId: split,
      movedKeyKinds: [...new Set(moved.map((key) => parseKeyId(key).kind))],
      consents: { original: consents.filter((c) => !goesWithSplit(c)), split: consents.filter(goesWithSplit) },
      undoneMerge: false,
      toReview: { records: [], consentEvents: [] },
    };
  }

  /** The pair is decided: rules must not merge it back when a record is resolved again. */
  private async keepSeparate(original: string, split: string, record: SourceRef, { actor, reason, at }: ManualAction & { at: Date }): Promise<void> {
    await this.graph.candidates.updateOne(
      { _id: candidateId(original, split) },
      {
        $set: { status: 'KEPT_SEPARATE', decidedAt: at, decidedBy: actor, decisionReason: reason },
        $setOnInsert: { customerIds: [original, split].sort() as [string, string], system: record.system, recordId: record.recordId, clashingKeys: [], createdAt: at },
      },
      { upsert: true },
    );
  }

  /** A manual merge overrides an earlier "kept separate" on the same pair. */
  private async markMerged(a: string, b: string, attribution: { actor: string; reason: string; at: Date }): Promise<void> {
    await this.graph.candidates.updateOne(
      { _id: candidateId(a, b), status: { $ne: 'MERGED' } },
      { $set: { status: 'MERGED', decidedAt: attribution.at, decidedBy: attribution.actor, decisionReason: attribution.reason } },
    );
  }
}

function toCandidate(doc: CandidateDoc): IdentityCandidate {
  return {
    id: doc._id,
    customerIds: doc.customerIds,
    status: doc.status,
    record: { system: doc.system, recordId: doc.recordId },
    clashingKeys: doc.clashingKeys,
    createdAt: doc.createdAt,
    decidedAt: doc.decidedAt,
    decidedBy: doc.decidedBy,
    decisionReason: doc.decisionReason,
  };
}

function requireText(name: string, value: string): void {
  if (typeof value !== 'string' || value.trim() === '') throw new BadUserInputError(`\`${name}\` must not be empty: say who acts and why.`);
}
