import path from 'node:path';
import { startEmbeddedFerretdb, type EmbeddedFerretdb } from './embedded-ferretdb';
import { EmbeddedStoreInUseError } from './embedded-store-lock';
import { MongoStore } from './mongo-store';

/** Options of {@link openCommandStore}. */
export interface CommandStoreOptions {
  /** MONGODB_URI; when set, that is the store and nothing embedded is touched. @default undefined */
  uri?: string;
  /** The database. @default 'gateway' */
  dbName?: string;
  /** DATA_DIR, under which the embedded store keeps its files. @default '.data' */
  dataDir?: string;
  /** Told which store the command uses. @default nothing */
  log?: (line: string) => void;
}

/** A store opened for one command, indexes in place. */
export interface CommandStore {
  store: MongoStore;
  /** Closes the connection, and stops the embedded store if the command started it. */
  close(): Promise<void>;
}

/** Where the embedded store of `dataDir` keeps its files (`npm start` and the commands agree on it). */
export function embeddedStoreDir(dataDir: string): string {
  return path.join(dataDir, 'ferretdb');
}

/**
 * The store a one-off command (`npm run sync`) writes to, chosen as `npm start` chooses
 * its own: MONGODB_URI when set; otherwise the embedded FerretDB of DATA_DIR. When a
 * gateway already runs that store (its lock names a live FerretDB), the command connects
 * to it rather than opening the same files with a second FerretDB, which would corrupt
 * them; otherwise it starts the store for its own run and `close` stops it.
 */
export async function openCommandStore({ uri, dbName = 'gateway', dataDir = '.data', log = () => undefined }: CommandStoreOptions): Promise<CommandStore> {
  let embedded: EmbeddedFerretdb | undefined;
  if (!uri) {
    const dir = path.resolve(embeddedStoreDir(dataDir));
    try {
      embedded = await startEmbeddedFerretdb({ dataDir: dir, log });
      uri = embedded.uri;
      log(`started the embedded store on ${dir}`);
    } catch (error) {
      if (!(error instanceof EmbeddedStoreInUseError)) throw error;
      uri = error.owner.uri;
      log(`using the embedded store already running on ${dir} (${uri})`);
    }
  }
  const store = new MongoStore({ uri, dbName });
  try {
    await store.ensureIndexes();
  } catch (error) {
    await store.close();
    await embedded?.stop();
    throw error;
  }
  return {
    store,
    close: async () => {
      await store.close();
      await embedded?.stop();
    },
  };
}
