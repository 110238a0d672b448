import type { Collection } from 'mongodb';
import type { MongoStore } from '../store/mongo-store';
import { findWhereIn } from '../store/batched-reads';
import { consentsOf, fromStoredState, toStoredState, type StoredStateDoc } from './stored-state';
import { collectionNames } from '../store/collections';
import { ignoringDuplicates, isDuplicateKeyError } from '../store/duplicate-key';
import { eventIdOf, type ConsentEventDoc, type ConsentOutboxDoc, type ConsentStateDoc } from './consent-model';
import { emptyConsentState } from './fold-consent-events';

/** A write in progress (see ConsentLogWriter). */
export interface PendingWriteDoc {
  /** `<customerId>|<idempotencyKey>` */
  _id: string;
  customerId: string;
  /** The write's idempotency key (absent on marks written before it was kept: read it from `_id`). */
  idempotencyKey?: string;
  startedAt: Date;
}

/**
 * Every read and write of the consent collections, and nothing else: the protocol
 * (what to write in which order) lives in {@link ConsentLogWriter}. Every read is by
 * `_id` or by equality on an indexed top-level field (`customerId`, `idempotencyKey`),
 * the filters both MongoDB and the embedded store (FerretDB with the project's patch,
 * DESIGN.md) serve from an index; a customer's log is read by `customerId` and its
 * positions checked in code.
 */
export class ConsentRepository {
  readonly events: Collection<ConsentEventDoc>;
  readonly states: Collection<StoredStateDoc>;
  readonly outbox: Collection<ConsentOutboxDoc>;
  readonly pendingWrites: Collection<PendingWriteDoc>;

  constructor(private readonly store: MongoStore) {
    this.events = store.collection<ConsentEventDoc>(collectionNames.consentEvents);
    this.states = store.collection<StoredStateDoc>(collectionNames.consentState);
    this.outbox = store.collection<ConsentOutboxDoc>(collectionNames.consentOutbox);
    this.pendingWrites = store.collection<PendingWriteDoc>(collectionNames.consentPendingWrites);
  }

  /** The state document of one customer, or null. */
  async readState(customerId: string): Promise<ConsentStateDoc | null> {
    const stored = await this.states.findOne({ _id: customerId });
    return stored && fromStoredState(stored);
  }

  /**
   * The state documents of many customers, only their consents: `_id $in` queries of at
   * most 1,000 ids (see findWhereIn), each one round trip.
   */
  async readStates(customerIds: readonly string[]): Promise<Pick<ConsentStateDoc, '_id' | 'consents'>[]> {
    const stored = await findWhereIn(this.states, '_id', customerIds, { projection: { _id: 1, consents: 1 } });
    return stored.map((state) => ({ _id: state._id, consents: consentsOf(state) }));
  }

  /** The whole state documents of many customers (missing ones left out): `_id $in` batches. */
  async readFullStates(customerIds: readonly string[]): Promise<ConsentStateDoc[]> {
    return (await findWhereIn(this.states, '_id', customerIds)).map(fromStoredState);
  }

  /** The customers among `states` whose log has an event past the state (the state is behind): one `_id $in` batch. */
  async behind(states: readonly Pick<ConsentStateDoc, '_id' | 'seq'>[]): Promise<Set<string>> {
    const next = await findWhereIn(this.events, '_id', states.map((state) => eventIdOf(state._id, state.seq + 1)), { projection: { customerId: 1 } });
    return new Set(next.map((event) => event.customerId));
  }

  /** Events by id (missing ones left out): `_id $in` batches. */
  findEvents(eventIds: readonly string[]): Promise<ConsentEventDoc[]> {
    return findWhereIn(this.events, '_id', eventIds);
  }

  /**
   * The events after `afterSeq` in `customerId`'s log, in order (stopping at a gap, which
   * cannot exist). Almost always there are none: one `_id` lookup of the next position
   * says so, cheaper than the indexed range read done only when it exists.
   */
  async readTail(customerId: string, afterSeq: number): Promise<ConsentEventDoc[]> {
    if (!(await this.events.findOne({ _id: eventIdOf(customerId, afterSeq + 1) }, { projection: { _id: 1 } }))) return [];
    const found = await this.events.find({ customerId, seq: { $gt: afterSeq } }).sort({ seq: 1 }).toArray();
    const dense: ConsentEventDoc[] = [];
    for (const event of found) {
      if (event.seq !== afterSeq + dense.length + 1) break;
      dense.push(event);
    }
    return dense;
  }

  /**
   * Appends events in order and answers how many of them went in: all, or those
   * before the first that collided (position or idempotency key taken). Which ones
   * went in is read back rather than taken from the error, so it holds whatever a
   * server does with an ordered batch.
   */
  async insertEvents(events: readonly ConsentEventDoc[]): Promise<number> {
    try {
      await this.events.insertMany([...events], { ordered: true });
      return events.length;
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      let inserted = 0;
      for (const event of events) {
        const stored = await this.events.findOne({ _id: event._id });
        if (stored?.idempotencyKey !== event.idempotencyKey) break;
        inserted++;
      }
      return inserted;
    }
  }

  /** The event holding an idempotency key, or null. */
  findEventByIdempotencyKey(idempotencyKey: string): Promise<ConsentEventDoc | null> {
    return this.events.findOne({ idempotencyKey });
  }

  /** One event by id, or null. */
  findEvent(eventId: string): Promise<ConsentEventDoc | null> {
    return this.events.findOne({ _id: eventId });
  }

  /**
   * Writes a state unless the stored one is already at or past its `seq` (then the
   * upsert collides, E11000: fine). Where the store's updates are atomic (MongoDB, the
   * embedded FerretDB with the project's patch) a state therefore only moves forward; on
   * FerretDB as released the condition is checked on a read that may be stale, so an
   * older state can land after a newer one: see ConsentLogWriter for why that is safe.
   */
  async writeState(state: ConsentStateDoc): Promise<void> {
    await ignoringDuplicates(this.states.replaceOne({ _id: state._id, seq: { $lt: state.seq } }, toStoredState(state), { upsert: true }));
  }

  /** Whether {@link writeState} only ever moves a state forward: the store's updates are atomic (asked once). */
  stateWritesOnlyMoveForward(): Promise<boolean> {
    return this.store.updatesAreAtomic();
  }

  /** Makes sure each event has its outbox row for each of its target systems (one insert); rows already there are left alone. */
  async ensureOutboxRows(events: readonly ConsentEventDoc[], targetsOf: (event: ConsentEventDoc) => readonly string[], now: Date): Promise<void> {
    const rows: ConsentOutboxDoc[] = events.flatMap((event) =>
      targetsOf(event).map((system) => ({
        _id: `${event._id}>${system}`,
        eventId: event._id,
        customerId: event.customerId,
        system,
        createdAt: now,
        status: 'PENDING' as const,
        attempts: 0 as const,
        nextAttemptAt: now,
      })),
    );
    if (rows.length === 0) return;
    await ignoringDuplicates(this.outbox.insertMany(rows, { ordered: false }));
  }

  /** Creates an empty state document for each id not yet known (so eligibility can tell UNKNOWN_CUSTOMER). */
  async registerStates(customerIds: readonly string[]): Promise<void> {
    const ids = [...new Set(customerIds)];
    for (let start = 0; start < ids.length; start += 1000) {
      const batch = ids.slice(start, start + 1000).map((id) => toStoredState(emptyConsentState(id)));
      await ignoringDuplicates(this.states.insertMany(batch, { ordered: false }));
    }
  }

  /** Records the single use of a double opt-in token; false when it had been used already. */
  async claimDoubleOptInUse(pendingEventId: string, usedAt: Date): Promise<boolean> {
    try {
      await this.store.collection<{ _id: string; usedAt: Date }>(collectionNames.consentDoiUses).insertOne({ _id: pendingEventId, usedAt });
      return true;
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      return false;
    }
  }

  /** Events 1..`head` of a customer's log, in order: one indexed query. */
  async readLog(customerId: string, head: number): Promise<ConsentEventDoc[]> {
    const events = await this.events.find({ customerId, seq: { $lte: head } }).sort({ seq: 1 }).toArray();
    events.forEach((event, index) => {
      if (event.seq !== index + 1) throw new Error(`Consent log of a customer has a gap at seq ${index + 1}; the log must be dense.`);
    });
    if (events.length !== head) throw new Error(`Consent log of a customer ends at seq ${events.length}, before ${head}; the log must be dense.`);
    return events;
  }

  /** Marks writes as started (idempotent); a mark outlives its write only if the write fails or the process dies. */
  async markWritesStarted(customerId: string, idempotencyKeys: readonly string[], now: Date): Promise<string[]> {
    const marks = idempotencyKeys.map((key) => ({ _id: `${customerId}|${key}`, customerId, idempotencyKey: key, startedAt: now }));
    await ignoringDuplicates(this.pendingWrites.insertMany(marks, { ordered: false }));
    return marks.map((mark) => mark._id);
  }

  /** Clears marks once their writes are folded and queued. */
  async markWritesDone(markIds: readonly string[]): Promise<void> {
    if (markIds.length === 1) await this.pendingWrites.deleteOne({ _id: markIds[0]! });
    else if (markIds.length > 1) await this.pendingWrites.deleteMany({ _id: { $in: [...markIds] } });
  }

  /** The marks of writes started before `before`: in-flight ones are younger, older ones died. */
  staleWriteMarks(before: Date): Promise<PendingWriteDoc[]> {
    return this.pendingWrites.find({ startedAt: { $lt: before } }).toArray();
  }
}
