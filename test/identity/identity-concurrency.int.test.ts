import { spawn } from 'node:child_process';
import path from 'node:path';
import { IdentityGraph } from '../../src/identity/identity-graph';
import { openTestStore, testMongoUri } from '../harness/store';
import { projectRoot } from '../harness/gateway-process';
import { raceRecordIds } from './race-records';

const ROUNDS = 30;

/** Runs the worker as its own OS process; resolves with its exit code and output. */
function runWorker(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'resolve-race-worker.ts')], {
      cwd: projectRoot,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('identity resolution across gateway processes', () => {
  let store: Awaited<ReturnType<typeof openTestStore>>;

  beforeAll(async () => {
    store = await openTestStore();
  });
  afterAll(() => store.dropAndClose());

  it('two processes resolving the same new person at once end with one customer, round after round', async () => {
    const common = {
      MONGODB_URI: testMongoUri(),
      DB_NAME: store.db.databaseName,
      ROUNDS: String(ROUNDS),
      START_AT: String(Date.now() + 5000), // both processes are up and connected by then
      INTERVAL_MS: '120',
    };
    const [a, b] = await Promise.all([runWorker({ ...common, VARIANT: 'a' }), runWorker({ ...common, VARIANT: 'b' })]);
    expect(a.stderr).toBe('');
    expect(b.stderr).toBe('');
    expect([a.code, b.code]).toEqual([0, 0]);

    const graph = new IdentityGraph({ store });
    let racesSettledByMerge = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const links = await graph.links.find({ _id: { $in: raceRecordIds(round) } }).toArray();
      expect(links.length).toBeGreaterThan(0);
      const roots = new Set((await graph.rootsOf(links.map((link) => link.customerId))).values());
      expect({ round, customers: roots.size }).toEqual({ round, customers: 1 });
      // The survivor's membership (slots, read by point reads) lists exactly the round's records.
      const [root] = [...roots];
      const members = (await graph.linksOfCustomers([root!])).get(root!)!;
      expect({ round, members: members.map((link) => link._id).sort() }).toEqual({ round, members: links.map((link) => link._id).sort() });
      if (new Set(links.map((link) => link.customerId)).size > 1) racesSettledByMerge++;
    }
    // No customer is left behind without a record or a redirect (a lost race discards its customer).
    const customers = await graph.customers.find({}, { projection: { _id: 1 } }).toArray();
    const linked = new Set((await graph.links.find({}, { projection: { customerId: 1 } }).toArray()).map((link) => link.customerId));
    const redirected = new Set((await graph.redirects.find({}, { projection: { _id: 1 } }).toArray()).map((r) => r._id));
    const orphans = customers.filter((customer) => !linked.has(customer._id) && !redirected.has(customer._id));
    expect(orphans).toEqual([]);
    const live = customers.filter((customer) => !redirected.has(customer._id));
    expect(live).toHaveLength(ROUNDS);
    process.stdout.write(`identity race: ${ROUNDS} rounds, ${racesSettledByMerge} settled by a merge, ${redirected.size} redirects\n`);
  });
});
