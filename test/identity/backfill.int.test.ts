import { createAdapters } from '../../src/adapters/create-adapters';
import type { SourceAdapter } from '../../src/adapters/source-adapter';
import { systemsConfigFromDescriptors } from '../../src/adapters/systems-config-from-descriptors';
import { runBackfill } from '../../src/identity/backfill';
import { IdentityGraph } from '../../src/identity/identity-graph';
import { IdentityResolver } from '../../src/identity/identity-resolver';
import { RecordLinker } from '../../src/identity/record-linker';
import type { RunningSimulator } from '../../simulators/simulator';
import { openTestStore } from '../harness/store';
import { scoreAgainstTruth } from '../harness/identity-score';
import { startTestMailchimp, startTestSalesforce, startTestScim, testPopulation } from '../harness/simulators';

describe('backfill over the three simulators', () => {
  let store: Awaited<ReturnType<typeof openTestStore>>;
  let simulators: RunningSimulator[];
  let adapters: SourceAdapter[];
  let graph: IdentityGraph;
  let resolver: IdentityResolver;

  beforeAll(async () => {
    store = await openTestStore();
    simulators = await Promise.all([startTestSalesforce(), startTestMailchimp(), startTestScim()]);
    adapters = createAdapters(systemsConfigFromDescriptors(simulators.map((simulator) => simulator.descriptor)));
    graph = new IdentityGraph({ store });
    resolver = new IdentityResolver({ graph, linker: new RecordLinker({ graph }) });
  });
  afterAll(async () => {
    await Promise.all(adapters.map((adapter) => adapter.close()));
    await Promise.all(simulators.map((simulator) => simulator.stop()));
    await store.dropAndClose();
  });

  it('resolves the synthetic population with precision >= 0.995 and recall >= 0.99 against the ground truth', async () => {
    const report = await runBackfill({ graph, resolver, adapters, pageSize: 100 });
    const expected = testPopulation().truth.reduce((sum, entry) => sum + entry.records.length, 0);
    expect(report.systems.reduce((sum, system) => sum + system.records, 0)).toBe(expected);
    const score = await scoreAgainstTruth(graph, testPopulation().truth);
    process.stdout.write(
      `identity resolution vs ground truth: ${score.records} records, precision ${score.precision.toFixed(4)}, recall ${score.recall.toFixed(4)}, ` +
        `${report.customersCreated} customers created, ${report.candidatesRecorded} candidates\n`,
    );
    expect(score.records).toBe(expected);
    expect(score.precision).toBeGreaterThanOrEqual(0.995);
    expect(score.recall).toBeGreaterThanOrEqual(0.99);
  });

  it('keeps each source\'s cursor, resumes from it and changes nothing when run again', async () => {
    const customersBefore = await graph.customers.countDocuments({});
    const linksBefore = await graph.links.countDocuments({});
    const cursors = await graph.cursors.find({}).toArray();
    expect(cursors.map((cursor) => [cursor._id, cursor.done]).sort()).toEqual(adapters.map((adapter) => [adapter.name, true]).sort());
    const again = await runBackfill({ graph, resolver, adapters, pageSize: 100 });
    expect(again.systems.every((system) => system.resumed)).toBe(true);
    expect(again.customersCreated).toBe(0);
    expect(await graph.customers.countDocuments({})).toBe(customersBefore);
    expect(await graph.links.countDocuments({})).toBe(linksBefore);
  });
});
