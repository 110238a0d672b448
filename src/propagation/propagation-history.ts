import type { Collection } from 'mongodb';
import { BadUserInputError } from '../errors/gateway-error';
import { findWhereIn } from '../store/batched-reads';
import { collectionNames } from '../store/collections';
import type { MongoStore } from '../store/mongo-store';

/** One process's sample of one system at one tick. */
export interface PropagationSampleDoc {
  /** `<tick ISO>:<system>:<process id>` */
  _id: string;
  at: Date;
  /** The minute the tick fell in, as an ISO string (`2026-12-01T10:42:00.000Z`): what readers select by. */
  minute: string;
  system: string;
  /** The process that wrote it. */
  process: string;
  /** Deliveries to the system not yet done (pending or in flight), as the ledger counted them at the tick. */
  backlog: number;
  /** Deliveries to the system that failed for good, likewise. */
  dead: number;
  /** Deliveries this process finished since its previous tick. */
  delivered: number;
  /** Median and 99th percentile of those deliveries' lag (recorded to delivered), seconds; null without deliveries. */
  lagP50Seconds: number | null;
  lagP99Seconds: number | null;
}

/** One minute of one system, over every process (`propagationHistory`). */
export interface PropagationSampleView {
  /** The minute's start. */
  minute: Date;
  system: string;
  /** Processes that sampled the system in that minute. */
  processes: number;
  /** The largest backlog and dead count seen in the minute. */
  backlog: number;
  dead: number;
  /** Deliveries finished in the minute, every process's added up. */
  delivered: number;
  /** The largest of the processes' lag percentiles in the minute; null when none delivered. */
  lagP50Seconds: number | null;
  lagP99Seconds: number | null;
}

/** How long samples are kept. */
const KEEP_MS = 24 * 3600_000;
const MINUTE_MS = 60_000;
/** The longest history one may ask for: what is kept. */
const MAX_HISTORY_MINUTES = KEEP_MS / MINUTE_MS;

/** The start of `at`'s minute, as stored in `minute`. */
function minuteOf(at: Date): string {
  return new Date(Math.floor(at.getTime() / MINUTE_MS) * MINUTE_MS).toISOString();
}

/**
 * The propagation history behind the systems map's chart (`propagation_samples`): every
 * process writes one document per system per tick (src/propagation/propagation-sampler.ts)
 * and drops those older than a day. Reads ask for the wanted minutes by equality
 * (`minute $in`, which FerretDB serves from the index), never a range, and merge what
 * the processes wrote per minute and system.
 */
export class PropagationHistory {
  private readonly samples: Collection<PropagationSampleDoc>;

  constructor(store: MongoStore, private readonly now: () => Date = () => new Date()) {
    this.samples = store.collection<PropagationSampleDoc>(collectionNames.propagationSamples);
  }

  /** Stores one tick's samples and drops those older than a day (a range over this small collection only). */
  async record(samples: readonly Omit<PropagationSampleDoc, '_id' | 'minute'>[]): Promise<void> {
    if (samples.length === 0) return;
    await this.samples.insertMany(
      samples.map((sample) => ({ ...sample, _id: `${sample.at.toISOString()}:${sample.system}:${sample.process}`, minute: minuteOf(sample.at) })),
      { ordered: false },
    );
    await this.samples.deleteMany({ at: { $lt: new Date(this.now().getTime() - KEEP_MS) } });
  }

  /** The last `minutes` minutes (the current one included), per minute and system, oldest first; BAD_USER_INPUT naming `minutes` outside 1..1440. */
  async read(minutes: number): Promise<PropagationSampleView[]> {
    if (!Number.isInteger(minutes) || minutes < 1 || minutes > MAX_HISTORY_MINUTES) {
      throw new BadUserInputError(`minutes: from 1 to ${MAX_HISTORY_MINUTES}.`, { extensions: { field: 'minutes' } });
    }
    const current = new Date(minuteOf(this.now())).getTime();
    const keys = Array.from({ length: minutes }, (_, i) => new Date(current - i * MINUTE_MS).toISOString());
    const merged = new Map<string, PropagationSampleView & { seen: Set<string> }>();
    for (const sample of await findWhereIn(this.samples, 'minute', keys)) {
      const key = `${sample.minute}|${sample.system}`;
      const entry = merged.get(key) ?? { minute: new Date(sample.minute), system: sample.system, processes: 0, backlog: 0, dead: 0, delivered: 0, lagP50Seconds: null, lagP99Seconds: null, seen: new Set() };
      entry.seen.add(sample.process);
      entry.backlog = Math.max(entry.backlog, sample.backlog);
      entry.dead = Math.max(entry.dead, sample.dead);
      entry.delivered += sample.delivered;
      entry.lagP50Seconds = maxOf(entry.lagP50Seconds, sample.lagP50Seconds);
      entry.lagP99Seconds = maxOf(entry.lagP99Seconds, sample.lagP99Seconds);
      merged.set(key, entry);
    }
    return [...merged.values()]
      .sort((a, b) => a.minute.getTime() - b.minute.getTime() || a.system.localeCompare(b.system))
      .map(({ seen, ...view }) => ({ ...view, processes: seen.size }));
  }
}

function maxOf(a: number | null, b: number | null): number | null {
  return a === null ? b : b === null ? a : Math.max(a, b);
}
