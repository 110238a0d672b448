import { ErrorCode } from '../errors/error-codes';
import { GatewayError } from '../errors/gateway-error';
import type { Logger } from '../observability/logger';
import { afterAllAt, compareFeedKeys, keyOf, type ConsentFeed, type ConsentFeedDoc, type FeedKey } from './consent-feed';
import type { ConsentEventDoc } from './consent-model';

/** Options of {@link ConsentFeedPoller}. */
export interface ConsentFeedPollerOptions {
  feed: ConsentFeed;
  /** The events of some feed entries, as subscribers are sent them (any order; a missing one is skipped). */
  loadEvents(entries: readonly ConsentFeedDoc[]): Promise<ConsentEventDoc[]>;
  /** Time between two reads of the feed. @default 200 */
  pollMs?: number;
  /** How far behind the clock reads stay, for late writes and clock skew (see ConsentFeed). @default 500 */
  settleMs?: number;
  /** Events a subscriber may leave unread before it is ended (it resumes from its last position). @default 10000 */
  maxQueued?: number;
  /** The reader's clock, ms. @default Date.now */
  now?: () => number;
  /** Where failed reads are reported. @default none */
  logger?: Logger;
}

/** One event as the feed delivers it. */
export interface FeedItem {
  key: FeedKey;
  event: ConsentEventDoc;
}

/** What one subscription asks for. */
export interface FeedRequest {
  /** Only this customer's events; null: every customer's. */
  customerId: string | null;
  /** Just after this key; null: from now. */
  after: FeedKey | null;
}

/**
 * One poller per process, shared by every subscription: each tick reads the feed's new
 * entries once (one `bucket $in` query, then the events of the customers someone wants)
 * and hands them to every subscriber, so the store's load grows with the write rate,
 * not with the number of subscribers. It runs only while someone subscribes.
 *
 * Each tick reads the entries after its watermark up to `now - settleMs` (ConsentFeed
 * explains why that leaves none behind), so an event reaches subscribers in every
 * process between `settleMs` and `settleMs + pollMs` after its entry was written, plus
 * the reads. A subscription with a position first reads from it up to the watermark on
 * its own (in chunks, waiting while its client is behind), buffering the ticks meanwhile;
 * every subscriber keeps the last key it was sent and takes only later ones, so the
 * overlap is never sent twice.
 */
export class ConsentFeedPoller {
  private readonly feed: ConsentFeed;
  private readonly loadEvents: (entries: readonly ConsentFeedDoc[]) => Promise<ConsentEventDoc[]>;
  private readonly pollMs: number;
  private readonly settleMs: number;
  private readonly maxQueued: number;
  private readonly now: () => number;
  private readonly logger?: Logger;
  private readonly subscribers = new Set<FeedSubscriber>();
  /** Every entry up to here was handed out (or predates every subscriber). */
  private watermark = 0;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor({ feed, loadEvents, pollMs = 200, settleMs = 500, maxQueued = 10_000, now = Date.now, logger }: ConsentFeedPollerOptions) {
    this.feed = feed;
    this.loadEvents = loadEvents;
    this.pollMs = pollMs;
    this.settleMs = settleMs;
    this.maxQueued = maxQueued;
    this.now = now;
    this.logger = logger;
  }

  /** A subscription: an async iterator of `shape(item)` (or the GatewayError that ends it), until its `return()`. */
  subscribe<T>(request: FeedRequest, shape: (item: FeedItem) => T): AsyncIterableIterator<T | GatewayError> {
    if (this.stopped) throw new GatewayError(ErrorCode.STORE_UNAVAILABLE, 'The gateway is shutting down; subscribe again on another connection.');
    if (this.subscribers.size === 0) {
      this.watermark = this.now() - this.settleMs;
      this.schedule();
    }
    const cursor = request.after ?? { at: this.now(), eventId: '' };
    const subscription = new FeedSubscription<T>(request.customerId, cursor, shape, this.maxQueued, () => this.subscribers.delete(subscription));
    this.subscribers.add(subscription);
    if (compareFeedKeys(cursor, afterAllAt(this.watermark)) < 0) {
      subscription.catchingUp();
      void this.catchUp(subscription, cursor, this.watermark);
    }
    return subscription;
  }

  /** Ends every subscription and stops polling, once the read in progress is done. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    for (const subscription of [...this.subscribers]) subscription.end();
    await this.running;
  }

  private schedule(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.running = this.tick().finally(() => {
        if (!this.stopped && this.subscribers.size > 0) this.schedule();
      });
    }, this.pollMs);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    const upTo = this.now() - this.settleMs;
    if (upTo <= this.watermark) return;
    try {
      const { entries, readTo } = await this.feed.read(afterAllAt(this.watermark), upTo);
      const items = await this.itemsOf(entries, this.wanted());
      // No await from here on: a subscriber that registers takes either this batch or the new watermark, never neither.
      this.watermark = readTo;
      for (const subscription of this.subscribers) subscription.offer(items, true);
    } catch (error) {
      this.logger?.warn({ err: error }, 'reading the consent feed failed; retrying at the next tick');
    }
  }

  /** Reads from `cursor` up to `until` for one subscription, then lets it take the ticks it buffered meanwhile. */
  private async catchUp(subscription: FeedSubscriber, cursor: FeedKey, until: number): Promise<void> {
    try {
      for (let from = cursor; compareFeedKeys(from, afterAllAt(until)) < 0 && !subscription.ended; ) {
        const { entries, readTo } = await this.feed.read(from, until, 60);
        subscription.offer(await this.itemsOf(entries, (entry) => subscription.wants(entry.customerId)), false);
        await subscription.room();
        from = afterAllAt(readTo);
      }
      subscription.caughtUp();
    } catch (error) {
      this.logger?.warn({ err: error }, 'reading the consent feed for a resumed subscription failed; ending it');
      subscription.fail(new GatewayError(ErrorCode.STORE_UNAVAILABLE, 'The consent feed could not be read; subscribe again with your last position.'));
    }
  }

  /** Which entries some subscriber wants. */
  private wanted(): (entry: ConsentFeedDoc) => boolean {
    const subscribers = [...this.subscribers];
    return (entry) => subscribers.some((subscription) => subscription.wants(entry.customerId));
  }

  private async itemsOf(entries: readonly ConsentFeedDoc[], wanted: (entry: ConsentFeedDoc) => boolean): Promise<FeedItem[]> {
    const chosen = entries.filter(wanted);
    if (chosen.length === 0) return [];
    const events = new Map((await this.loadEvents(chosen)).map((event) => [event._id, event]));
    return chosen.flatMap((entry) => {
      const event = events.get(entry._id);
      return event ? [{ key: keyOf(entry), event }] : [];
    });
  }
}

/** What the poller needs of a subscription, whatever it sends its client. */
interface FeedSubscriber {
  readonly ended: boolean;
  wants(customerId: string): boolean;
  offer(items: readonly FeedItem[], live: boolean): void;
  catchingUp(): void;
  caughtUp(): void;
  room(): Promise<void>;
  fail(error: GatewayError): void;
  end(): void;
}

/**
 * One subscriber's queue, as the async iterator graphql-js subscribes to. Private to
 * the poller: it takes the items after the last key it handed out, for its customer.
 */
class FeedSubscription<T> implements FeedSubscriber, AsyncIterableIterator<T | GatewayError> {
  ended = false;
  private readonly queue: (T | GatewayError)[] = [];
  /** Live batches taken while it still catches up from a position; null once live. */
  private buffered: FeedItem[][] | null;
  private waiting: ((result: IteratorResult<T | GatewayError>) => void) | undefined;
  private roomWaiter: (() => void) | undefined;

  constructor(
    private readonly customerId: string | null,
    private cursor: FeedKey,
    private readonly shape: (item: FeedItem) => T,
    private readonly maxQueued: number,
    private readonly onEnd: () => void,
  ) {
    this.buffered = null;
  }

  /** Whether it takes events of `customerId`. */
  wants(customerId: string): boolean {
    return this.customerId === null || customerId === this.customerId;
  }

  /** Takes the items it wants after its cursor; `live` ones wait while it catches up. */
  offer(items: readonly FeedItem[], live: boolean): void {
    if (this.ended) return;
    if (live && this.buffered) {
      this.buffered.push([...items]);
      return;
    }
    for (const item of items) {
      if (!this.wants(item.event.customerId) || compareFeedKeys(item.key, this.cursor) <= 0) continue;
      this.cursor = item.key;
      this.push(this.shape(item));
    }
    if (this.queue.length > this.maxQueued) {
      this.fail(
        new GatewayError(ErrorCode.LIMIT_EXCEEDED, `The subscription left more than ${this.maxQueued} events unread and was ended; read faster, or subscribe again from the last position it sent.`, {
          extensions: { limit: 'queuedEvents', max: this.maxQueued },
        }),
      );
    }
  }

  /** Marks it as catching up: live batches are kept until {@link caughtUp}. */
  catchingUp(): void {
    this.buffered = [];
  }

  caughtUp(): void {
    const batches = this.buffered ?? [];
    this.buffered = null;
    for (const batch of batches) this.offer(batch, true);
  }

  /** Resolves once the client has read down to half the queue's limit. */
  room(): Promise<void> {
    if (this.queue.length <= this.maxQueued / 2 || this.ended) return Promise.resolve();
    return new Promise((resolve) => (this.roomWaiter = resolve));
  }

  /** Sends `error` as its last item, then ends. */
  fail(error: GatewayError): void {
    if (this.ended) return;
    this.queue.push(error);
    this.wake();
    this.end(false);
  }

  /** Ends it: the items queued are still read unless `drop`. */
  end(drop = true): void {
    if (drop) this.queue.length = 0;
    if (!this.ended) {
      this.ended = true;
      this.onEnd();
    }
    this.roomWaiter?.();
    if (this.queue.length === 0) this.wake();
  }

  next(): Promise<IteratorResult<T | GatewayError>> {
    if (this.queue.length > 0) {
      const value = this.queue.shift()!;
      if (this.queue.length <= this.maxQueued / 2) this.roomWaiter?.();
      return Promise.resolve({ value, done: false });
    }
    if (this.ended) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => (this.waiting = resolve));
  }

  return(): Promise<IteratorResult<T | GatewayError>> {
    this.end();
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<T | GatewayError> {
    return this;
  }

  private push(value: T | GatewayError): void {
    this.queue.push(value);
    this.wake();
  }

  private wake(): void {
    const waiting = this.waiting;
    if (!waiting) return;
    this.waiting = undefined;
    if (this.queue.length > 0) waiting({ value: this.queue.shift()!, done: false });
    else if (this.ended) waiting({ value: undefined, done: true });
  }
}
