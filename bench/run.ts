import path from 'node:path';
import { MongoStore } from '../src/store/mongo-store';
import { startEmbeddedFerretdb, type EmbeddedFerretdb } from '../src/store/embedded-ferretdb';
import { runConsentScenario, type ConsentBenchPart } from './consent-scenario';
import { runGraphBuildScenario } from './graph-build-scenario';
import { runProfileScenario, StoreCommandTally } from './profile-scenario';
import { runPropagationScenario } from './propagation-scenario';

/**
 * `npm run bench`: the benchmark scenarios, against MONGODB_URI when set, otherwise
 * against an embedded FerretDB with its own data directory (.data/bench/ferretdb),
 * kept between runs so the seeded data is reused.
 */
async function main(): Promise<void> {
  let embedded: EmbeddedFerretdb | undefined;
  let uri = process.env.MONGODB_URI;
  if (!uri) {
    embedded = await startEmbeddedFerretdb({
      dataDir: path.resolve(__dirname, '..', '.data', 'bench', 'ferretdb'),
      log: (line) => process.stdout.write(`${line}\n`),
    });
    uri = embedded.uri;
  }
  const store = new MongoStore({ uri, dbName: process.env.BENCH_DB ?? 'bench_consent', serverSelectionTimeoutMS: 30_000 });
  // The profile scenario (issue 5) keeps its identity graph in a database of its own.
  const storeCommands = new StoreCommandTally();
  const profileStore = new MongoStore({ uri, dbName: 'bench_profile', serverSelectionTimeoutMS: 30_000, onCommand: storeCommands.record });
  const only = process.env.BENCH_SCENARIO; // consent | profile | graph | propagation | unset: all
  try {
    if (only === undefined || only === 'consent') {
      const parts = (process.env.BENCH_CONSENT_PARTS ?? 'primitives,eligibility,writes').split(',') as ConsentBenchPart[];
      await runConsentScenario({ store, customers: Number(process.env.BENCH_CUSTOMERS ?? 100_000), parts });
    }
    if (only === undefined || only === 'profile') await runProfileScenario({ store: profileStore, people: Number(process.env.BENCH_PEOPLE ?? 1000), storeCommands });
    if (only === undefined || only === 'graph') {
      const sizes = (process.env.BENCH_GRAPH_SIZES ?? '1000,10000').split(',').map(Number);
      await runGraphBuildScenario({ openStore: async (dbName) => new MongoStore({ uri: uri!, dbName, serverSelectionTimeoutMS: 30_000 }), sizes });
    }
    if (only === undefined || only === 'propagation') {
      const propagationStore = new MongoStore({ uri, dbName: `bench_propagation_${Date.now()}`, serverSelectionTimeoutMS: 30_000 });
      try {
        await runPropagationScenario({ store: propagationStore, people: Number(process.env.BENCH_PEOPLE ?? 1000) });
      } finally {
        await propagationStore.db.dropDatabase().catch(() => undefined);
        await propagationStore.close();
      }
    }
  } finally {
    await profileStore.close();
    await store.close();
    await embedded?.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
