import type { Collection } from 'mongodb';
import { collectionNames } from '../store/collections';
import { isDuplicateKeyError } from '../store/duplicate-key';
import { MAX_IN_VALUES } from '../store/batched-reads';
import type { MongoStore } from '../store/mongo-store';
import type { ConsentEventDoc } from './consent-model';

/** One event in the feed: which event, and when it reached the feed. */
export interface ConsentFeedDoc {
  /** The event's id (`<customerId>#<seq>`): unique, so an event is in the feed once, whoever writes its entry. */
  _id: string;
  customerId: string;
  seq: number;
  /** When the entry was written, by the writer's clock: its place in the feed's order (ties: `_id`). */
  at: Date;
  /** `at` to the second (`2026-03-03T09:00:01`): the indexed field readers select by, with `$in`. */
  bucket: string;
}

/** A place in the feed's order: an entry's time (ms) and event id. */
export interface FeedKey {
  at: number;
  eventId: string;
}

/** Width of a bucket. One second: a live poll reads one or two, a day's catch-up some 90 `$in` queries. */
const BUCKET_MS = 1000;
/** Sorts after every event id, so `{ at, eventId: AFTER_ALL }` means "after everything recorded at `at`". */
const AFTER_ALL = '\u{10FFFF}';

/** The key just after every entry at or before `at`. */
export function afterAllAt(at: number): FeedKey {
  return { at, eventId: AFTER_ALL };
}

/** Feed order: by time, then event id. */
export function compareFeedKeys(a: FeedKey, b: FeedKey): number {
  return a.at - b.at || (a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0);
}

/** The bucket of an instant (ms). */
export function bucketOf(at: number): string {
  return new Date(Math.floor(at / BUCKET_MS) * BUCKET_MS).toISOString().slice(0, 19);
}

/** An entry's key. */
export function keyOf(entry: Pick<ConsentFeedDoc, '_id' | 'at'>): FeedKey {
  return { at: entry.at.getTime(), eventId: entry._id };
}

/**
 * The feed of every consent event, for subscriptions in any gateway process: one small
 * document per event in `consent_feed`, `_id` = the event id, selected by `bucket`, the
 * second it was written in (an indexed top-level string: `bucket $in [...]` is an index
 * search on FerretDB v1 with the project's patch, as on MongoDB; a `recordedAt` range on
 * the log would scan every event).
 *
 * Who writes it: ConsentLogWriter, in the same round trip as the outbox rows and the
 * state (so before a change is acknowledged), and the sweeper again for a write that died
 * half-way. The unique `_id` makes both safe: the first entry stays, a second insert
 * collides and is ignored, so every acknowledged event is in the feed exactly once.
 *
 * Order and its bound: entries are ordered by `at` (the writer's clock when it wrote
 * the entry), then event id. A reader takes an entry only once its time is `settleMs`
 * behind the reader's clock, so an entry that lands at most `settleMs` after its own
 * time (write latency plus the clock skew between the two processes) is always in place
 * before any reader passes it: every reader, in any process, then sees the same entries
 * in the same order, and a position (an entry's key) names one point of that order.
 * An entry landing later than that (a write stalled for longer than the settle window,
 * a clock further behind) is still stored, but readers that passed its time miss it:
 * keep the settle window above the worst write latency plus skew (see ConsentFeedPoller).
 */
export class ConsentFeed {
  private readonly entries: Collection<ConsentFeedDoc>;
  private readonly now: () => number;

  /** @param now the writer's clock, ms (the wall clock: readers in other processes compare their own with it). */
  constructor(store: MongoStore, { now = Date.now }: { now?: () => number } = {}) {
    this.entries = store.collection<ConsentFeedDoc>(collectionNames.consentFeed);
    this.now = now;
  }

  /** Makes sure each event has its feed entry (one insert, stamped now); entries already there keep their place. */
  async ensureEntries(events: readonly ConsentEventDoc[]): Promise<void> {
    if (events.length === 0) return;
    const at = this.now();
    const docs = events.map((event) => ({ _id: event._id, customerId: event.customerId, seq: event.seq, at: new Date(at), bucket: bucketOf(at) }));
    try {
      await this.entries.insertMany(docs, { ordered: false });
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
  }

  /** The entry of one event, or null (one `_id` lookup). */
  findEntry(eventId: string): Promise<ConsentFeedDoc | null> {
    return this.entries.findOne({ _id: eventId });
  }

  /**
   * The entries after `after` up to `upTo` (ms, inclusive), in feed order, reading at most
   * `maxBuckets` buckets (one `$in` query); `readTo` says how far this read reached (`upTo`
   * unless the range spans more buckets): read on from `afterAllAt(readTo)`.
   */
  async read(after: FeedKey, upTo: number, maxBuckets = MAX_IN_VALUES): Promise<{ entries: ConsentFeedDoc[]; readTo: number }> {
    if (upTo < after.at) return { entries: [], readTo: after.at };
    const first = Math.floor(after.at / BUCKET_MS);
    const last = Math.min(Math.floor(upTo / BUCKET_MS), first + Math.min(maxBuckets, MAX_IN_VALUES) - 1);
    const readTo = last === Math.floor(upTo / BUCKET_MS) ? upTo : (last + 1) * BUCKET_MS - 1;
    const buckets = Array.from({ length: last - first + 1 }, (_, i) => bucketOf((first + i) * BUCKET_MS));
    // The bucket clause reaches the index; the time range is checked on those documents only.
    const found = await this.entries
      .find({ bucket: buckets.length === 1 ? buckets[0]! : { $in: buckets }, at: { $gte: new Date(after.at), $lte: new Date(readTo) } })
      .toArray();
    const entries = found.filter((entry) => compareFeedKeys(keyOf(entry), after) > 0).sort((a, b) => compareFeedKeys(keyOf(a), keyOf(b)));
    return { entries, readTo };
  }
}
