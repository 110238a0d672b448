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
  observedAt: Date;
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
              { system, customerId, recordId, disagreements: disagreements.length, observedAt: at },
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
}
