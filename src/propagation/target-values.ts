import { randomUUID } from 'node:crypto';
import type { Collection } from 'mongodb';
import type { ConsentStatusValue } from '../adapters/source-adapter';
import type { MongoStore } from '../store/mongo-store';
import { collectionNames } from '../store/collections';
import { ignoringDuplicates } from '../store/duplicate-key';

/** What we last know one record of one system holds for a channel and purpose. */
export interface TargetValueDoc {
  /** `<system>|<recordId>|<channel>|<purpose>` */
  _id: string;
  /** The value the record holds as far as we know (we wrote it, or the system told us); null: not known yet. */
  status: ConsentStatusValue | null;
  /** A value we are writing right now, not yet acknowledged: its echo may arrive before the acknowledgement. */
  writing: ConsentStatusValue | null;
  /** When that write started (a write older than a lease is given up: its process died). */
  writingSince: Date | null;
  /** From when `status` is known, on our clock: when our write returned, or when the system was read. */
  knownAt: Date;
  /** Changes whenever `status` does: names the state an inbound change starts from (its idempotency key). */
  version: string;
}

/** A record's flag, located. */
export interface TargetFlag {
  system: string;
  recordId: string;
  channel: string;
  purpose: string;
}

/** How a flag a system reports compares with what we know. */
export type Reported = 'STALE' | 'KNOWN' | 'NEW' | 'UNKNOWN';

/** A write in flight longer than this is taken for dead (its process crashed). */
const WRITE_GIVEN_UP_MS = 5 * 60_000;

const idOf = ({ system, recordId, channel, purpose }: TargetFlag): string => `${system}|${recordId}|${channel}|${purpose}`;

/**
 * The correlation that tells an echo from a change ("no echoes"). A delivery notes the
 * value it is about to write, and the value written once the call returns; a flag a
 * system reports (a webhook's re-read, a poll) is compared with that before it is
 * believed, by when WE read it, on our own clock (never the vendor's stamps, whose
 * clocks and granularity differ: Mailchimp's are whole seconds):
 * - the value we know, or the one we are writing: KNOWN (our own echo, or no change);
 * - another value, read while our write was in flight or before it returned: STALE (it
 *   may predate our write, which the system then holds anyway: last write wins there);
 * - another value, read after our write returned or after we last took a change in: NEW;
 * - nothing known of this flag yet: UNKNOWN (the caller decides from the store).
 * It rests on no vendor's behaviour, only on what we wrote and when we read.
 */
export class TargetValues {
  private readonly docs: Collection<TargetValueDoc>;

  constructor(store: MongoStore) {
    this.docs = store.collection<TargetValueDoc>(collectionNames.propagationTargetValues);
  }

  /** What we know of a flag, or null. */
  get(flag: TargetFlag): Promise<TargetValueDoc | null> {
    return this.docs.findOne({ _id: idOf(flag) });
  }

  /** Compares a reported value, from a read sent at `readAt`, with what we know. */
  static compare(known: TargetValueDoc | null, status: ConsentStatusValue, readAt: Date): Reported {
    if (!known) return 'UNKNOWN';
    if (status === known.status || status === known.writing) return 'KNOWN';
    const writing = known.writing !== null && known.writingSince !== null && readAt.getTime() - known.writingSince.getTime() < WRITE_GIVEN_UP_MS;
    if (writing || readAt.getTime() < known.knownAt.getTime()) return 'STALE';
    return known.status === null ? 'UNKNOWN' : 'NEW';
  }

  /** Before a write: the value about to be written (its echo may come back before the write returns). */
  async writing(flag: TargetFlag, status: ConsentStatusValue, now: Date): Promise<void> {
    await this.docs.updateOne(
      { _id: idOf(flag) },
      { $set: { writing: status, writingSince: now }, $setOnInsert: { status: null, knownAt: now, version: randomUUID() } },
      { upsert: true },
    );
  }

  /**
   * After a write returned, or once a change was taken in: the record holds `status`, as
   * of `knownAt` (our clock). Never moves back in time: a slow taker-in that read the
   * record before a later write must not undo what that write taught us (a newer doc
   * makes the filter miss, and the upsert's insert then collides: ignored).
   */
  async holds(flag: TargetFlag, status: ConsentStatusValue, knownAt: Date): Promise<void> {
    const doc = { status, writing: null, writingSince: null, knownAt, version: randomUUID() };
    await ignoringDuplicates(this.docs.replaceOne({ _id: idOf(flag), knownAt: { $lte: knownAt } }, doc, { upsert: true }));
  }
}
