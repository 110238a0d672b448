import { randomUUID } from 'node:crypto';
import type { Collection } from 'mongodb';
import type { ConsentStatusValue } from '../adapters/source-adapter';
import type { MongoStore } from '../store/mongo-store';
import { collectionNames } from '../store/collections';

/** One thing we learnt about what a record of a system holds for a channel and purpose (the newest `knownAt` counts). */
export interface TargetValueDoc {
  /** `<flag>|<knownAt>|<uuid>`: every observation is its own insert, never an update (DESIGN.md: a conditional update is not atomic on FerretDB v1). */
  _id: string;
  /** `<system>|<recordId>|<channel>|<purpose>` */
  flag: string;
  /** The value the record holds as far as we know (we wrote it, or the system told us). */
  status: ConsentStatusValue;
  /** From when it is known, on our clock: when our write returned, or when the system was read. */
  knownAt: Date;
  /** Changes whenever `status` does: names the state an inbound change starts from (its idempotency key). */
  version: string;
}

/** One write of ours in flight: its echo may arrive before it returns. */
interface WriteInFlightDoc {
  /** `<flag id>|<uuid>` */
  _id: string;
  flag: string;
  status: ConsentStatusValue;
  since: Date;
}

/** What we know of one flag: the value, and our writes to it still in flight. */
export interface KnownFlag {
  value: TargetValueDoc | null;
  writing: readonly { status: ConsentStatusValue; since: Date }[];
}

/** A record's flag, located. */
export interface TargetFlag {
  system: string;
  recordId: string;
  channel: string;
  purpose: string;
}

/** A flag and a value for it. */
export interface FlagValue extends TargetFlag {
  status: ConsentStatusValue;
}

/** A flag's value as learnt at `knownAt` (our clock). */
export interface Observation extends FlagValue {
  knownAt: Date;
}

/** How a flag a system reports compares with what we know. */
export type Reported = 'STALE' | 'KNOWN' | 'NEW' | 'UNKNOWN';

/** A write in flight longer than this is taken for dead (its process crashed). */
const WRITE_GIVEN_UP_MS = 5 * 60_000;

const idOf = ({ system, recordId, channel, purpose }: TargetFlag): string => `${system}|${recordId}|${channel}|${purpose}`;

/**
 * The correlation that tells an echo from a change ("no echoes"). A delivery marks each
 * write before its call (one document per write, so concurrent deliveries to one record
 * never erase each other's marks; a batch's marks in one insert) and records the value
 * once the call returns (a batch's values at once, when its calls have returned: a
 * mark may so outlive its own call by the rest of the batch's); a flag a
 * system reports (a webhook's re-read, a poll) is compared with that before it is
 * believed, by when WE read it, on our own clock (never the vendor's stamps, whose
 * clocks and granularity differ: Mailchimp's are whole seconds):
 * - the value we know, or one we are writing: KNOWN (our own echo, or no change);
 * - another value, read while a write of ours was in flight or before the value we know
 *   was learnt: STALE (it may predate our write, which the system then holds anyway:
 *   last write wins there);
 * - another value, read after: NEW, a change made in that system;
 * - nothing known of this flag yet: UNKNOWN (the caller decides from the store).
 * It rests on no vendor's behaviour, only on what we wrote and when we read.
 */
export class TargetValues {
  private readonly docs: Collection<TargetValueDoc>;
  private readonly inFlight: Collection<WriteInFlightDoc>;

  constructor(store: MongoStore) {
    this.docs = store.collection<TargetValueDoc>(collectionNames.propagationTargetValues);
    this.inFlight = store.collection<WriteInFlightDoc>(collectionNames.propagationWritesInFlight);
  }

  /**
   * What we know of a flag: its newest observation, and our writes in flight. The marks
   * are read first: a write records its observation before it clears its mark, so a
   * mark this read misses has its observation in place for the next read.
   */
  async get(flag: TargetFlag, now: Date = new Date()): Promise<KnownFlag> {
    const writing = await this.inFlight.find({ flag: idOf(flag) }).toArray();
    const observed = await this.docs.find({ flag: idOf(flag) }).toArray();
    const value = observed.reduce<TargetValueDoc | null>((newest, doc) => (!newest || doc.knownAt > newest.knownAt || (doc.knownAt.getTime() === newest.knownAt.getTime() && doc._id > newest._id) ? doc : newest), null);
    return { value, writing: writing.filter((write) => now.getTime() - write.since.getTime() < WRITE_GIVEN_UP_MS) };
  }

  /** Compares a reported value, from a read sent at `readAt`, with what we know. */
  static compare({ value, writing }: KnownFlag, status: ConsentStatusValue, readAt: Date): Reported {
    if (status === value?.status || writing.some((write) => write.status === status)) return 'KNOWN';
    if (writing.length > 0 || (value && readAt.getTime() < value.knownAt.getTime())) return 'STALE';
    return value ? 'NEW' : 'UNKNOWN';
  }

  /**
   * Before writes: marks each in flight (its echo may come back before the write returns),
   * one insert for them all; answers the marks to clear.
   */
  async writingMany(writes: readonly FlagValue[], now: Date): Promise<string[]> {
    const marks = writes.map((write) => ({ _id: `${idOf(write)}|${randomUUID()}`, flag: idOf(write), status: write.status, since: now }));
    if (marks.length > 0) await this.inFlight.insertMany(marks, { ordered: false });
    return marks.map((mark) => mark._id);
  }

  /**
   * After writes returned: records what each written record holds (one insert), then
   * clears the marks (one delete), those of failed writes included. The order matters:
   * a reader that misses a mark finds the value in its place (see get).
   */
  async wrote(observations: readonly Observation[], marks: readonly string[]): Promise<void> {
    if (observations.length > 0) await this.docs.insertMany(observations.map((observation) => this.observationDoc(observation, observation.status, observation.knownAt)), { ordered: false });
    if (marks.length > 0) await this.inFlight.deleteMany({ _id: { $in: [...marks] } });
  }

  /** Once a change was taken in (read at `knownAt`): the record holds `status`. */
  async reported(flag: TargetFlag, status: ConsentStatusValue, knownAt: Date): Promise<void> {
    await this.set(flag, status, knownAt);
  }

  /**
   * Records an observation. Never moves back in time: the newest `knownAt` counts when
   * read, so a slow taker-in that read the record before a later write cannot undo what
   * that write taught us, whatever order the inserts land in.
   */
  private async set(flag: TargetFlag, status: ConsentStatusValue, knownAt: Date): Promise<void> {
    await this.docs.insertOne(this.observationDoc(flag, status, knownAt));
  }

  private observationDoc(flag: TargetFlag, status: ConsentStatusValue, knownAt: Date): TargetValueDoc {
    const id = idOf(flag);
    return { _id: `${id}|${knownAt.toISOString()}|${randomUUID()}`, flag: id, status, knownAt, version: randomUUID() };
  }
}
