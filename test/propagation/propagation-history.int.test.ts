import { PropagationHistory } from '../../src/propagation/propagation-history';
import { collectionNames } from '../../src/store/collections';
import { openTestStore } from '../harness/store';

describe('PropagationHistory: samples of every process, merged per minute and system', () => {
  let store: Awaited<ReturnType<typeof openTestStore>>;
  const now = new Date('2026-12-01T10:42:30Z');
  let history: PropagationHistory;

  beforeAll(async () => {
    store = await openTestStore();
    history = new PropagationHistory(store, () => now);
  });
  afterAll(() => store.dropAndClose());

  const sample = (at: string, system: string, process: string, counts: { backlog: number; dead: number; delivered: number; p50: number | null; p99: number | null }) => ({
    at: new Date(at),
    system,
    process,
    backlog: counts.backlog,
    dead: counts.dead,
    delivered: counts.delivered,
    lagP50Seconds: counts.p50,
    lagP99Seconds: counts.p99,
  });

  it('takes the largest backlog, dead count and lag percentiles of the processes, adds up their deliveries, oldest minute first', async () => {
    await history.record([
      sample('2026-12-01T10:40:05Z', 'salesforce', 'p1', { backlog: 4, dead: 1, delivered: 10, p50: 0.5, p99: 2 }),
      sample('2026-12-01T10:40:05Z', 'mailchimp', 'p1', { backlog: 0, dead: 0, delivered: 0, p50: null, p99: null }),
    ]);
    await history.record([sample('2026-12-01T10:40:40Z', 'salesforce', 'p2', { backlog: 6, dead: 1, delivered: 5, p50: 0.8, p99: 1.5 })]);
    await history.record([sample('2026-12-01T10:42:10Z', 'salesforce', 'p1', { backlog: 0, dead: 2, delivered: 1, p50: 0.2, p99: 0.2 })]);

    expect(await history.read(5)).toEqual([
      { minute: new Date('2026-12-01T10:40:00Z'), system: 'mailchimp', processes: 1, backlog: 0, dead: 0, delivered: 0, lagP50Seconds: null, lagP99Seconds: null },
      { minute: new Date('2026-12-01T10:40:00Z'), system: 'salesforce', processes: 2, backlog: 6, dead: 1, delivered: 15, lagP50Seconds: 0.8, lagP99Seconds: 2 },
      { minute: new Date('2026-12-01T10:42:00Z'), system: 'salesforce', processes: 1, backlog: 0, dead: 2, delivered: 1, lagP50Seconds: 0.2, lagP99Seconds: 0.2 },
    ]);
    // The last minute only: the current one, partial.
    expect((await history.read(1)).map((entry) => entry.minute.toISOString())).toEqual(['2026-12-01T10:42:00.000Z']);
  });

  it('drops samples older than a day when it writes', async () => {
    const samples = store.collection(collectionNames.propagationSamples);
    await samples.insertOne({ _id: 'old', at: new Date('2026-11-30T10:00:00Z'), minute: '2026-11-30T10:00:00.000Z', system: 'salesforce', process: 'p0', backlog: 0, dead: 0, delivered: 0, lagP50Seconds: null, lagP99Seconds: null } as never);
    await history.record([sample('2026-12-01T10:42:20Z', 'identity', 'p1', { backlog: 0, dead: 0, delivered: 0, p50: null, p99: null })]);
    expect(await samples.countDocuments({ _id: 'old' } as never)).toBe(0);
    expect(await samples.countDocuments({})).toBe(5);
  });

  it.each([0, 1441, 2.5])('refuses minutes=%s with BAD_USER_INPUT naming `minutes`', async (minutes) => {
    await expect(history.read(minutes)).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'minutes' } });
  });
});
