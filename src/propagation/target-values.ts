import { randomUUID } from 'node:crypto';
import type { Collection } from 'mongodb';
import type { ConsentStatusValue } from '../adapters/source-adapter';
import type { MongoStore } from '../store/mongo-store';
import { collectionNames } from '../store/collections';

/** What we last know one record of one system holds for a channel and purpose. */
export interface TargetValueDoc {
  /** `<system>|<recordId>|<channel>|<purpose>` */
  _id: string;
  /** The value the record holds as far as we know (we wrote it, or the system told us); null: not known yet. */
  status: ConsentStatusValue | null;
  /** A value we are writing right now, not yet acknowledged: its echo may arrive before the acknowledgement. */
  writing: ConsentStatusValue | null;
  /** From when we know it: a write's start, or the record's own update time for a change taken in. */
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

/** How a flag a system reports compares with what we know it holds. */
export type Reported = 'STALE' | 'KNOWN' | 'NEW' | 'UNKNOWN';

const idOf = ({ system, recordId, channel, purpose }: TargetFlag): string => `${system}|${recordId}|${channel}|${purpose}`;

/**
 * The correlation that tells an echo from a change ("no echoes"). A delivery notes the
 * value it is about to write and when, and the value written once the call returns; a
 * change taken in (webhook or poll) is compared with that before it is believed:
 * - the value we know or the one we are writing: KNOWN (our own echo, or no change);
 * - a record last updated before we knew its value: STALE (a snapshot from before our
 *   write, which the write overwrites anyway);
 * - nothing known of this flag yet: UNKNOWN (the caller compares with the store);
 * - anything else: NEW, a real change made in that system.
 * It rests on no vendor's behaviour, only on what we wrote. The record's update time
 * comes from the vendor's clock: a real change made within the clock skew before our
 * write started would read STALE, and our write overwrote it at the vendor anyway.
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

  /** Compares a reported value (from a record updated at `updatedAt`) with what we know. */
  static compare(known: TargetValueDoc | null, status: ConsentStatusValue, updatedAt: Date): Reported {
    if (!known) return 'UNKNOWN';
    if (status === known.status || status === known.writing) return 'KNOWN';
    if (updatedAt.getTime() < known.knownAt.getTime()) return 'STALE';
    return known.status === null ? 'UNKNOWN' : 'NEW';
  }

  /** Before a write: the value about to be written (its echo may come back before the write returns). */
  async writing(flag: TargetFlag, status: ConsentStatusValue, now: Date): Promise<void> {
    await this.docs.updateOne(
      { _id: idOf(flag) },
      { $set: { writing: status, knownAt: now }, $setOnInsert: { status: null, version: randomUUID() } },
      { upsert: true },
    );
  }

  /** After a write (`knownAt` = when it started), or once a change was taken in (`knownAt` = the record's update time). */
  async holds(flag: TargetFlag, status: ConsentStatusValue, knownAt: Date): Promise<void> {
    await this.docs.replaceOne({ _id: idOf(flag) }, { status, writing: null, knownAt, version: randomUUID() }, { upsert: true });
  }
}
