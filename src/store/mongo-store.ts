import { MongoClient, MongoNotConnectedError, type Collection, type Db, type Document } from 'mongodb';
import { indexDefinitions, type CollectionName } from './collections';

/** Which server the store talks to; some reads are batched differently on each. */
export type ServerKind = 'ferretdb' | 'mongodb';

/** Options of {@link MongoStore}. */
export interface MongoStoreOptions {
  /** A MongoDB connection string. */
  uri: string;
  /** The database holding the gateway's collections. @default 'gateway' */
  dbName?: string;
  /** Called after every command with its name, duration and outcome (for metrics). */
  onCommand?: (command: string, durationMs: number, ok: boolean) => void;
  /** How long to wait for a server before an operation fails. @default 5000 */
  serverSelectionTimeoutMS?: number;
}

/**
 * The one owner of the MongoDB connection: it creates the client, the indexes
 * (idempotent at start) and hands out collections by their registered names.
 * Constructing it does not connect; the first operation does.
 */
export class MongoStore {
  readonly client: MongoClient;
  readonly db: Db;
  private server: Promise<{ kind: ServerKind; atomicUpdates: boolean }> | undefined;
  private indexesReady = false;
  private closed = false;

  constructor({ uri, dbName = 'gateway', onCommand, serverSelectionTimeoutMS = 5000 }: MongoStoreOptions) {
    this.client = new MongoClient(uri, {
      serverSelectionTimeoutMS,
      monitorCommands: onCommand !== undefined,
      appName: 'customer-profile-gateway',
    });
    if (onCommand) {
      this.client.on('commandSucceeded', (event) => onCommand(event.commandName, event.duration, true));
      this.client.on('commandFailed', (event) => onCommand(event.commandName, event.duration, false));
    }
    this.db = this.client.db(dbName);
  }

  /** A collection by its registered name. */
  collection<T extends Document = Document>(name: CollectionName): Collection<T> {
    return this.db.collection<T>(name);
  }

  /**
   * Connects, or reconnects after a failed first connection. The driver (7.x) closes the
   * topology a failed `connect` created but keeps it, so every later operation answers
   * "Topology is closed" even once the server is up; only an explicit `connect` replaces
   * it. Cheap when connected. Readiness and start-up call it on every attempt, so the
   * gateway is ready as soon as the store answers, however late.
   */
  async connect(): Promise<void> {
    if (this.closed) throw new MongoNotConnectedError('The store was closed (the gateway is shutting down).');
    await this.client.connect();
  }

  /** Creates every registered index; safe to run at every start and from many processes. */
  async ensureIndexes(): Promise<void> {
    await this.connect();
    const byCollection = new Map<CollectionName, typeof indexDefinitions[number][]>();
    for (const definition of indexDefinitions) {
      byCollection.set(definition.collection, [...(byCollection.get(definition.collection) ?? []), definition]);
    }
    for (const [name, definitions] of byCollection) {
      await this.db.createCollection(name).catch((error: { code?: number }) => {
        if (error.code !== 48) throw error; // 48: NamespaceExists, another process was first
      });
      // One index per call: FerretDB v1.24.2 panics (and drops the connection) when one
      // createIndexes call lists two or more indexes that all exist already, i.e. on restart.
      for (const { key, options } of definitions) {
        await this.db.collection(name).createIndexes([{ key: key as Document, ...options }]);
      }
    }
    this.indexesReady = true;
  }

  /** True once {@link ensureIndexes} has completed in this process. */
  get hasIndexes(): boolean {
    return this.indexesReady;
  }

  /** Resolves when the server answers a ping within the driver's selection timeout. */
  async ping(): Promise<void> {
    await this.connect();
    await this.db.command({ ping: 1 });
  }

  /** FerretDB or MongoDB: FerretDB's buildInfo carries `ferretdbVersion`. */
  async serverKind(): Promise<ServerKind> {
    return (await this.describeServer()).kind;
  }

  /**
   * Whether an update reads and writes its document atomically, so that a conditional
   * update (`{_id, seq: {$lt: n}}`) never applies to a stale read: true on MongoDB and on
   * the embedded FerretDB, whose patch says so in buildInfo (`ferretdbFeatures.atomicUpdates`,
   * scripts/ferretdb/README.md); false on FerretDB as released, which reads, changes and
   * writes back without a lock.
   */
  async updatesAreAtomic(): Promise<boolean> {
    return (await this.describeServer()).atomicUpdates;
  }

  /** The server's buildInfo, asked once (again after a failure). */
  private describeServer(): Promise<{ kind: ServerKind; atomicUpdates: boolean }> {
    this.server ??= this.db
      .admin()
      .command({ buildInfo: 1 })
      .then((info) => {
        if (!('ferretdbVersion' in info)) return { kind: 'mongodb' as const, atomicUpdates: true };
        return { kind: 'ferretdb' as const, atomicUpdates: (info.ferretdbFeatures as { atomicUpdates?: unknown } | undefined)?.atomicUpdates === true };
      })
      .catch((error: unknown) => {
        this.server = undefined;
        throw error;
      });
    return this.server;
  }

  /** Closes the connection pool. */
  async close(): Promise<void> {
    this.closed = true;
    await this.client.close();
  }
}
