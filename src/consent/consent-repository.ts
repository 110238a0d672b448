import type { Collection } from 'mongodb';
import type { MongoStore } from '../store/mongo-store';
import { collectionNames } from '../store/collections';
import { isDuplicateKeyError } from '../store/duplicate-key';
import {
  eventIdOf,
  type ConsentEventDoc,
  type ConsentOutboxDoc,
  type ConsentStateDoc,
} from './consent-model';
import { emptyConsentState } from './fold-consent-events';

/** A write in progress (see ConsentLogWriter). */
export interface PendingWriteDoc {
  _id: string;
  customerId: string;
  startedAt: Date;
}

/** Point lookups in flight when reading a log on FerretDB. */
const logReadConcurrency = 16;

/** Ignores E11000 from a write whose only purpose is "make sure this exists". */
async function ignoringDuplicates(write: Promise<unknown>): Promise<void> {
  try {
    await write;
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error;
  }
}

/**
 * Every read and write of the consent collections, and nothing else: the protocol
 * (what to write in which order) lives in {@link ConsentLogWriter}. Reads are shaped
 * for the server in use: on FerretDB v1 only an `_id` equality filter reaches SQLite,
 * so a log tail is read by lookups of `<customerId>#<seq>`; on MongoDB by one indexed
 * range query.
 *
 * Measured on FerretDB v1.24.2 (SQLite): even that `_id` filter does not use the `_id`
 * index (`explain` shows `SCAN`): the query compares `_ferretdb_sjson->'$._id'`
 * while the index is on `_ferretdb_sjson->"_id"`. It is a scan in SQLite, about 15 µs
 * a row, with no decoding in Go (about 10x cheaper than any other filter), and a hit
 * stops the scan early; a miss reads the whole collection. Unique indexes are still
 * enforced through the index on insert, so the writer lets an insert collide rather
 * than look first (ConsentLogWriter).
 */
export class ConsentRepository {
  readonly events: Collection<ConsentEventDoc>;
  readonly states: Collection<ConsentStateDoc>;
  readonly outbox: Collection<ConsentOutboxDoc>;
  readonly pendingWrites: Collection<PendingWriteDoc>;

  constructor(private readonly store: MongoStore) {
    this.events = store.collection<ConsentEventDoc>(collectionNames.consentEvents);
    this.states = store.collection<ConsentStateDoc>(collectionNames.consentState);
    this.outbox = store.collection<ConsentOutboxDoc>(collectionNames.consentOutbox);
    this.pendingWrites = store.collection<PendingWriteDoc>(collectionNames.consentPendingWrites);
  }

  /** The state document of one customer, or null. */
  readState(customerId: string): Promise<ConsentStateDoc | null> {
    return this.states.findOne({ _id: customerId });
  }

  /**
   * The state documents of many customers in ONE round trip: a single `find` whose
   * first batch holds every match (batchSize = limit = the number of ids, so there is
   * no getMore and no cursor left open). Only the consents are fetched.
   */
  async readStatesOnce(customerIds: readonly string[]): Promise<Pick<ConsentStateDoc, '_id' | 'consents'>[]> {
    const ids = [...new Set(customerIds)];
    if (ids.length === 0) return [];
    return this.states
      .find({ _id: { $in: ids } }, { projection: { _id: 1, consents: 1 }, batchSize: ids.length, limit: ids.length })
      .toArray();
  }

  /** The events after `afterSeq` in `customerId`'s log, in order (stopping at a gap, which cannot exist). */
  async readTail(customerId: string, afterSeq: number): Promise<ConsentEventDoc[]> {
    if ((await this.store.serverKind()) === 'mongodb') {
      const found = await this.events.find({ customerId, seq: { $gt: afterSeq } }).sort({ seq: 1 }).toArray();
      const dense: ConsentEventDoc[] = [];
      for (const event of found) {
        if (event.seq !== afterSeq + dense.length + 1) break;
        dense.push(event);
      }
      return dense;
    }
    const tail: ConsentEventDoc[] = [];
    for (;;) {
      const next = await this.events.findOne({ _id: eventIdOf(customerId, afterSeq + tail.length + 1) });
      if (!next) return tail;
      tail.push(next);
    }
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
   * Writes a state unless the stored one is already at or past its `seq`. On MongoDB
   * the condition is atomic; on FerretDB it is not (read-modify-write by `_id`), so an
   * older state can land after a newer one: see ConsentLogWriter for why that is
   * safe. A stored state at or past `seq` makes the upsert collide (E11000): fine.
   */
  async writeState(state: ConsentStateDoc): Promise<void> {
    // FerretDB v1 pushes a filter down to SQLite only when it is `_id` alone; with the
    // `seq` condition every write would scan the whole collection. The condition would
    // not be atomic there anyway, so it is left out (the writer's invariants cover it).
    const filter = (await this.store.serverKind()) === 'mongodb' ? { _id: state._id, seq: { $lt: state.seq } } : { _id: state._id };
    await ignoringDuplicates(this.states.replaceOne(filter, state, { upsert: true }));
  }

  /** Makes sure an event has its outbox row for each of `systems`; rows already there are left alone. */
  async ensureOutboxRows(event: ConsentEventDoc, systems: readonly string[], now: Date): Promise<void> {
    if (systems.length === 0) return;
    const rows: ConsentOutboxDoc[] = systems.map((system) => ({
      _id: `${event._id}>${system}`,
      eventId: event._id,
      customerId: event.customerId,
      system,
      createdAt: now,
      status: 'PENDING',
    }));
    await ignoringDuplicates(this.outbox.insertMany(rows, { ordered: false }));
  }

  /** Creates an empty state document for each id not yet known (so eligibility can tell UNKNOWN_CUSTOMER). */
  async registerStates(customerIds: readonly string[]): Promise<void> {
    const ids = [...new Set(customerIds)];
    for (let start = 0; start < ids.length; start += 1000) {
      const batch = ids.slice(start, start + 1000).map(emptyConsentState);
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

  /**
   * Events 1..`head` of a customer's log, in order. On MongoDB one indexed query; on
   * FerretDB v1 a `customerId` filter would scan (and decode) the whole collection, so
   * the positions are fetched by `_id`, {@link logReadConcurrency} at a time.
   */
  async readLog(customerId: string, head: number): Promise<ConsentEventDoc[]> {
    if ((await this.store.serverKind()) === 'mongodb') {
      return this.events.find({ customerId, seq: { $lte: head } }).sort({ seq: 1 }).toArray();
    }
    const events: ConsentEventDoc[] = new Array(head);
    let next = 1;
    const worker = async () => {
      for (let seq = next++; seq <= head; seq = next++) {
        const event = await this.events.findOne({ _id: eventIdOf(customerId, seq) });
        if (!event) throw new Error(`Consent log of a customer has a gap at seq ${seq}; the log must be dense.`);
        events[seq - 1] = event;
      }
    };
    await Promise.all(Array.from({ length: Math.min(logReadConcurrency, head) }, worker));
    return events;
  }

  /** Marks writes as started (idempotent); a mark outlives its write only if the write fails or the process dies. */
  async markWritesStarted(customerId: string, idempotencyKeys: readonly string[], now: Date): Promise<string[]> {
    const marks = idempotencyKeys.map((key) => ({ _id: `${customerId}|${key}`, customerId, startedAt: now }));
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
