import { setTimeout as sleep } from 'node:timers/promises';
import type { Collection } from 'mongodb';
import type { SourceAdapter } from '../adapters/source-adapter';
import type { IdentityGraph } from '../identity/identity-graph';
import type { Logger } from '../observability/logger';
import type { CustomerProfile } from '../profile/customer-profile';
import { profileFieldOf } from '../profile/profile-field-of';
import type { ProfileService } from '../profile/profile-service';
import { collectionNames } from '../store/collections';
import { isDuplicateKeyError } from '../store/duplicate-key';
import type { MongoStore } from '../store/mongo-store';
import type { FieldScanDoc, FieldScanResults } from './field-scan-results';
import { tallyFieldMatrix, type ScannedSystem } from './tally-field-matrix';

/** Options of {@link createFieldScanner}. */
export interface FieldScannerOptions {
  store: MongoStore;
  graph: IdentityGraph;
  profiles: ProfileService;
  /** The connected systems, in configuration order. */
  adapters: readonly SourceAdapter[];
  results: FieldScanResults;
  logger: Logger;
  /** How often the population is scanned (one process per interval), in ms. @default 600000 */
  intervalMs?: number;
  /** Customers merged per scan. @default 500 */
  sampleSize?: number;
  /** How long after `start` the first scan is tried, in ms. @default 5000 */
  firstRunAfterMs?: number;
  now?: () => Date;
}

/** The periodic field-conflict scan of one process. */
export interface FieldScanner {
  /** Starts the loop: a first scan shortly, then one per interval by whichever process takes the interval's lease. */
  start(): void;
  /** Scans now, without the lease (tests, and the loop's own scans), and stores the result; `signal` gives up between its steps. */
  runOnce(signal?: AbortSignal): Promise<Omit<FieldScanDoc, '_id'>>;
  /** Stops the loop; a scan in flight stops at its next step (its source reads finish within their budgets) and stores nothing. */
  stop(): Promise<void>;
}

/** Most ids `ProfileService.customers` resolves at once. */
const RESOLVE_BATCH = 1000;

/**
 * The systems map's field matrix, from a periodic scan rather than per request: a random
 * sample of customers is merged through the profile service's loaders (one batched read
 * per source for the whole sample, as `customers(ids)` does), and per canonical profile
 * field the scan counts the customers whose records disagree, and per system how often it
 * held a value and how often its value won (src/systems-map/tally-field-matrix.ts).
 * A customer one of whose sources failed during the scan is left out (counted as
 * skipped), so a source outage does not read as agreement.
 *
 * One process scans per interval: the one whose unique insert of `field-scan@<interval
 * number>` lands (DESIGN.md: a unique index is the one atomic primitive). Each process
 * tries just after each interval starts, so the interval's scan starts at once whichever
 * processes are up. The sample is drawn from the ids of every customer (one read of
 * `identity_customers` with only `_id`, a scan of that collection once per interval).
 */
export function createFieldScanner(options: FieldScannerOptions): FieldScanner {
  const { store, graph, profiles, adapters, results, logger, intervalMs = 600_000, sampleSize = 500, firstRunAfterMs = 5000, now = () => new Date() } = options;
  const slots: Collection<{ _id: string; at: Date }> = store.collection(collectionNames.fieldScanSlots);
  const systems: ScannedSystem[] = adapters.map((adapter) => ({ name: adapter.name, provides: new Set(adapter.providedFields.map(profileFieldOf)) }));
  let stopped: AbortController | null = null;
  let running: Promise<void> | null = null;

  const runOnce = async (signal?: AbortSignal): Promise<Omit<FieldScanDoc, '_id'>> => {
    const started = Date.now();
    const ids = await graph.customers.find({}, { projection: { _id: 1 } }).map((doc) => doc._id).toArray();
    const picked = randomSample(ids, sampleSize);
    const survivors = new Set<string>();
    for (let i = 0; i < picked.length; i += RESOLVE_BATCH) {
      signal?.throwIfAborted();
      for (const ref of await profiles.customers(picked.slice(i, i + RESOLVE_BATCH))) if (ref) survivors.add(ref.id);
    }
    signal?.throwIfAborted();
    const loaded = await profiles.createLoaders().profiles.loadMany([...survivors]);
    signal?.throwIfAborted(); // stopping: no result from a scan cut short
    // A source's failure is in the profile's `sources`; an Error here is the store's or a bug: no result rather than a wrong one.
    const failed = loaded.find((profile): profile is Error => profile instanceof Error);
    if (failed) throw failed;
    const complete = loaded.filter((profile): profile is CustomerProfile => profile !== null && !(profile instanceof Error) && profile.sources.every((source) => source.status === 'OK'));
    const result = { scannedAt: now(), customersScanned: complete.length, customersSkipped: survivors.size - complete.length, fields: tallyFieldMatrix(complete, systems) };
    await results.save(result);
    logger.info({ customersScanned: result.customersScanned, customersSkipped: result.customersSkipped, ms: Date.now() - started }, 'field scan done');
    return result;
  };

  /** Scans if this process takes the current interval's lease. */
  const scanIfLeased = async (signal: AbortSignal): Promise<void> => {
    const slot = Math.floor(now().getTime() / intervalMs);
    try {
      await slots.insertOne({ _id: `field-scan@${slot}`, at: now() });
    } catch (error) {
      if (isDuplicateKeyError(error)) return; // another process scans in this interval
      throw error;
    }
    await slots.deleteOne({ _id: `field-scan@${slot - 10}` }); // old leases would only ever answer "taken"
    await runOnce(signal);
  };

  const loop = async (signal: AbortSignal) => {
    await sleep(firstRunAfterMs, undefined, { signal }).catch(() => undefined);
    while (!signal.aborted) {
      await scanIfLeased(signal).catch((error: unknown) => {
        if (!signal.aborted) logger.warn({ err: error }, 'the field scan failed; it runs again next interval');
      });
      // Just after the next interval starts, a little spread so processes do not all insert at one instant.
      const untilNext = intervalMs - (now().getTime() % intervalMs) + Math.random() * Math.min(5000, intervalMs / 10);
      await sleep(untilNext, undefined, { signal }).catch(() => undefined);
    }
  };

  return {
    start() {
      if (running) return;
      stopped = new AbortController();
      running = loop(stopped.signal);
    },
    runOnce,
    async stop() {
      stopped?.abort();
      await running;
      running = null;
    },
  };
}

/** `size` values drawn at random without repeats (all of them when there are no more), by a partial Fisher-Yates shuffle. */
function randomSample<T>(values: readonly T[], size: number): T[] {
  const pool = [...values];
  const count = Math.min(size, pool.length);
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(Math.random() * (pool.length - i));
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
  }
  return pool.slice(0, count);
}
