import { createAdapters } from '../src/adapters/create-adapters';
import { systemsConfigFromDescriptors } from '../src/adapters/systems-config-from-descriptors';
import { runBackfill } from '../src/identity/backfill';
import { IdentityGraph } from '../src/identity/identity-graph';
import { IdentityResolver } from '../src/identity/identity-resolver';
import { RecordLinker } from '../src/identity/record-linker';
import type { MongoStore } from '../src/store/mongo-store';
import { generatePopulation } from '../simulators/population/generate-population';
import { startSimulators } from '../simulators/start-simulators';
import { fmt } from './measure';

/** Options of {@link runGraphBuildScenario}. */
export interface GraphBuildScenarioOptions {
  /** Opens a store on a fresh database of the given name (dropped first). */
  openStore: (dbName: string) => Promise<MongoStore>;
  /** Population sizes to build the demo graph for. @default [1000, 10000] */
  sizes?: readonly number[];
  /** Where results go. @default stdout */
  print?: (line: string) => void;
}

/**
 * The demo's identity graph, built from scratch by the backfill (`npm start`, `npm run
 * sync`) over the three simulators, for each population size: the build time beside the
 * plainest way to put the same number of documents in the store (unordered insertMany of
 * 1,000), measured in the same run. The graph must at least write its documents, so
 * that is the honest floor; the gap is reading the sources and the identity checks.
 */
export async function runGraphBuildScenario({ openStore, sizes = [1000, 10_000], print = (line) => process.stdout.write(`${line}\n`) }: GraphBuildScenarioOptions): Promise<void> {
  print('\n-- demo identity graph build (backfill from the three simulators) vs plain inserts of as many documents');
  print('   people   records  documents   build s   plain s    ratio   records/s');
  for (const people of sizes) {
    const simulators = await startSimulators({ population: generatePopulation({ size: people, seed: 1 }) });
    const adapters = createAdapters(systemsConfigFromDescriptors(simulators.descriptors));
    const store = await openStore(`bench_graph_${people}`);
    try {
      await store.db.dropDatabase();
      await store.ensureIndexes();
      const graph = new IdentityGraph({ store });
      const resolver = new IdentityResolver({ graph, linker: new RecordLinker({ graph }) });
      const started = process.hrtime.bigint();
      const report = await runBackfill({ graph, resolver, adapters });
      const buildSeconds = Number(process.hrtime.bigint() - started) / 1e9;
      const records = report.systems.reduce((sum, system) => sum + system.records, 0);
      const counts = await Promise.all([graph.customers, graph.links, graph.keys, graph.search, graph.redirects].map((c) => c.countDocuments({})));
      const documents = counts.reduce((sum, count) => sum + count, 0);
      const scratch = store.db.collection('bench_plain_inserts');
      const plainStarted = process.hrtime.bigint();
      for (let start = 0; start < documents; start += 1000) {
        const batch = Array.from({ length: Math.min(1000, documents - start) }, (_, i) => ({ _id: `doc-${start + i}`, customerId: `cus-${start + i}`, at: new Date() }));
        await scratch.insertMany(batch as never[], { ordered: false });
      }
      const plainSeconds = Number(process.hrtime.bigint() - plainStarted) / 1e9;
      print(`${String(people).padStart(9)} ${String(records).padStart(9)} ${String(documents).padStart(10)} ${fmt(buildSeconds, 2)} ${fmt(plainSeconds, 2)} ${fmt(buildSeconds / plainSeconds, 2)}x ${fmt(records / buildSeconds, 0)}`);
      await store.db.dropDatabase();
    } finally {
      await Promise.all(adapters.map((adapter) => adapter.close()));
      await simulators.stop();
      await store.close();
    }
  }
}
