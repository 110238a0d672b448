import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { MongoStore, type MongoStoreOptions } from '../../src/store/mongo-store';

/** The run's store, set by global-setup. */
export function testMongoUri(): string {
  const uri = process.env.MONGODB_URI;
  if (!uri) throw new Error('MONGODB_URI is not set: run tests through jest, whose global setup starts the store.');
  return uri;
}

/** A database name of its own for one test file (or one test), readable in a listing. */
export function uniqueDbName(label: string = path.basename(expect.getState().testPath ?? 'test', '.test.ts')): string {
  const safe = label.replace(/[^A-Za-z0-9]/g, '_').slice(0, 40);
  return `t_${safe}_${randomBytes(4).toString('hex')}`;
}

/**
 * A store on a fresh database, indexes created, dropped again by `close`. Use one per
 * test file (beforeAll/afterAll).
 */
export async function openTestStore(options: Partial<MongoStoreOptions> = {}): Promise<MongoStore & { dropAndClose(): Promise<void> }> {
  const store = new MongoStore({ uri: testMongoUri(), dbName: uniqueDbName(), ...options });
  await store.ensureIndexes();
  return Object.assign(store, {
    dropAndClose: async () => {
      await store.db.dropDatabase().catch(() => undefined);
      await store.close();
    },
  });
}
