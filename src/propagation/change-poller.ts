import { setTimeout as sleep } from 'node:timers/promises';
import type { Collection } from 'mongodb';
import type { SourceAdapter } from '../adapters/source-adapter';
import type { Logger } from '../observability/logger';
import type { MongoStore } from '../store/mongo-store';
import { collectionNames } from '../store/collections';
import { isDuplicateKeyError } from '../store/duplicate-key';
import type { InboundChanges } from './inbound-changes';

/** Options of {@link startChangePoller}. */
export interface ChangePollerOptions {
  store: MongoStore;
  adapters: readonly SourceAdapter[];
  inbound: InboundChanges;
  logger: Logger;
  /** How often each system is asked for its changes, in ms. @default 15000 */
  intervalMs?: number;
  /** Records asked for per poll. @default 500 */
  pageSize?: number;
  /** Time budget of each poll call, in ms. @default 30000 */
  callBudgetMs?: number;
  now?: () => Date;
}

/** A system's poll position. */
interface PollCursorDoc {
  _id: string;
  /** The update time of the last record taken in; the next poll asks from it (inclusive). */
  since: Date;
  updatedAt: Date;
}

/** A running poller. */
export interface ChangePoller {
  /** Polls every system once now (tests; the loop keeps its own pace). */
  pollOnce(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Asks each system for the records it changed since the last poll, because webhooks get
 * lost ("changes taken in"). Each interval, one process polls a system: the one whose
 * unique insert of `<system>@<interval number>` lands. The position starts at the first
 * poll's time (what was there before is the import's business) and moves to the last
 * record's update time; a record seen twice, or by a webhook too, is taken in once.
 */
export function startChangePoller(options: ChangePollerOptions): ChangePoller {
  const { store, adapters, inbound, logger, intervalMs = 15_000, pageSize = 500, callBudgetMs = 30_000, now = () => new Date() } = options;
  const cursors: Collection<PollCursorDoc> = store.collection<PollCursorDoc>(collectionNames.propagationPollCursors);
  const slots = store.collection<{ _id: string; at: Date }>(collectionNames.propagationPollSlots);
  const stopped = new AbortController();

  const pollSystem = async (adapter: SourceAdapter, claimSlot: boolean) => {
    const at = now();
    if (claimSlot) {
      try {
        const slot = Math.floor(at.getTime() / intervalMs);
        await slots.insertOne({ _id: `${adapter.name}@${slot}`, at });
        await slots.deleteOne({ _id: `${adapter.name}@${slot - 10}` }); // old slots would only ever answer "taken"
      } catch (error) {
        if (isDuplicateKeyError(error)) return; // another process polls this system in this interval
        throw error;
      }
    }
    const cursor = await cursors.findOne({ _id: adapter.name });
    if (!cursor) {
      await cursors.updateOne({ _id: adapter.name }, { $setOnInsert: { since: at, updatedAt: at } }, { upsert: true });
      return;
    }
    const readAt = now();
    const records = await adapter.recordsChangedSince(cursor.since, { limit: pageSize, budgetMs: callBudgetMs, signal: stopped.signal });
    for (const record of records) await inbound.takeIn(adapter, record, 'poll', readAt);
    const last = records.at(-1)?.updatedAt;
    if (last && last.getTime() > cursor.since.getTime()) await cursors.updateOne({ _id: adapter.name }, { $set: { since: last, updatedAt: now() } });
  };

  const pollAll = async (claimSlot: boolean) => {
    await Promise.all(
      adapters.map((adapter) =>
        pollSystem(adapter, claimSlot).catch((error: unknown) => {
          if (!stopped.signal.aborted) logger.warn({ err: error, system: adapter.name }, 'polling a system for changes failed; retried next interval');
        }),
      ),
    );
  };

  const loop = async () => {
    while (!stopped.signal.aborted) {
      await pollAll(true);
      // Jittered, so that processes started together do not race for every slot at the same instant.
      await sleep(intervalMs * (0.75 + Math.random() * 0.5), undefined, { signal: stopped.signal }).catch(() => undefined);
    }
  };
  const running = loop();
  return {
    pollOnce: () => pollAll(false),
    async stop() {
      stopped.abort();
      await running;
    },
  };
}
