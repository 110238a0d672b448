import type { Collection } from 'mongodb';
import { collectionNames } from '../store/collections';
import type { MongoStore } from '../store/mongo-store';
import type { ConsentDrift } from './compare-with-source-flags';

/** What drift was last seen between one system's record and the store, for one customer. */
export interface ConsentDriftDoc {
  /** `<system>|<customerId>`: one document per pair, found by `_id`. */
  _id: string;
  system: string;
  customerId: string;
  recordId: string;
  disagreements: number;
  /** The channels and purposes disagreed about, `<channel>|<purpose>`, each once (absent on observations made before they were kept). */
  pairs?: string[];
  observedAt: Date;
}

/** How many customers one system disagrees with the store about, on one channel and purpose. */
export interface ChannelDrift {
  channel: string;
  purpose: string;
  customers: number;
}

/** One source record's disagreements with the store. */
export interface SourceDrift {
  system: string;
  recordId: string;
  disagreements: ConsentDrift[];
}

/**
 * Keeps the latest drift observation per system and customer, so `systems` can say
 * how many customers each system still disagrees about. An observation, not a record
 * of truth: the last writer wins, which is all a count needs (and safe on FerretDB,
 * whose updates are read-modify-write by `_id`).
 */
export class ConsentDriftStore {
  private readonly drift: Collection<ConsentDriftDoc>;

  constructor(store: MongoStore) {
    this.drift = store.collection<ConsentDriftDoc>(collectionNames.consentDrift);
  }

  /** Records what a read saw: a document per drifting system, none for a system in agreement. */
  async observe(customerId: string, observed: readonly SourceDrift[], at: Date): Promise<void> {
    await Promise.all(
      observed.map(({ system, recordId, disagreements }) => {
        const _id = `${system}|${customerId}`;
        return disagreements.length
          ? this.drift.replaceOne(
              { _id },
              { system, customerId, recordId, disagreements: disagreements.length, pairs: [...new Set(disagreements.map((drift) => `${drift.channel}|${drift.purpose}`))], observedAt: at },
              { upsert: true },
            )
          : this.drift.deleteOne({ _id });
      }),
    );
  }

  /** Customers whose record in `system` was last seen disagreeing with the store. */
  countFor(system: string): Promise<number> {
    return this.drift.countDocuments({ system });
  }

  /**
   * Per channel and purpose, the customers whose record in `system` was last seen
   * disagreeing about it (each once, however many contact points), by channel then
   * purpose. One read of the system's drift documents (equality on the indexed `system`).
   */
  async byChannelFor(system: string): Promise<ChannelDrift[]> {
    const counts = new Map<string, number>();
    for (const doc of await this.drift.find({ system }, { projection: { pairs: 1 } }).toArray()) {
      for (const pair of doc.pairs ?? []) counts.set(pair, (counts.get(pair) ?? 0) + 1);
    }
    return [...counts.entries()]
      .map(([pair, customers]) => {
        const [channel = '', purpose = ''] = pair.split('|');
        return { channel, purpose, customers };
      })
      .sort((a, b) => a.channel.localeCompare(b.channel) || a.purpose.localeCompare(b.purpose));
  }
}
