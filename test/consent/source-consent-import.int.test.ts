import { createAdapters } from '../../src/adapters/create-adapters';
import type { SourceAdapter, SourceRecord } from '../../src/adapters/source-adapter';
import { systemsConfigFromDescriptors } from '../../src/adapters/systems-config-from-descriptors';
import { composeServices, type ComposedServices } from '../../src/compose-services';
import { compareWithSourceFlags } from '../../src/consent/compare-with-source-flags';
import { importEvidence, importSourceConsents } from '../../src/consent/source-consent-import';
import { runBackfill } from '../../src/identity/backfill';
import type { RunningSimulator } from '../../simulators/simulator';
import { openTestStore } from '../harness/store';
import { startTestMailchimp, startTestSalesforce, startTestScim } from '../harness/simulators';

describe('importing the sources\' consent flags (the initial load)', () => {
  let store: Awaited<ReturnType<typeof openTestStore>>;
  let simulators: RunningSimulator[];
  let adapters: SourceAdapter[];
  let composed: ComposedServices;
  const seen: { record: SourceRecord; customerId: string }[] = [];
  const runImport = async (cursor: string) => {
    let imported = 0;
    await runBackfill({
      graph: composed.customers.graph,
      resolver: composed.customers.resolver,
      adapters,
      pageSize: 200,
      cursorName: (system) => `${cursor}:${system}`,
      onPage: async (records, outcomes) => {
        const pairs = records.map((record, i) => ({ record, customerId: outcomes[i]!.customerId }));
        seen.push(...pairs);
        imported += (await importSourceConsents(composed.consent, pairs)).imported;
      },
    });
    return imported;
  };

  beforeAll(async () => {
    store = await openTestStore();
    simulators = await Promise.all([startTestSalesforce(), startTestMailchimp(), startTestScim()]);
    adapters = createAdapters(systemsConfigFromDescriptors(simulators.map((simulator) => simulator.descriptor)));
    composed = composeServices({ store, adapters });
  }, 60_000);
  afterAll(async () => {
    await Promise.all(adapters.map((adapter) => adapter.close()));
    await Promise.all(simulators.map((simulator) => simulator.stop()));
    await store.dropAndClose();
  });

  it('records each source flag as an IMPORT event of that system and record, captured at the record\'s update time', async () => {
    const imported = await runImport('first');
    expect(imported).toBeGreaterThan(100);
    const withFlags = seen.find(({ record }) => record.consentFlags.some((flag) => flag.status === 'GRANTED' && flag.channel === 'EMAIL'))!;
    const history = (await composed.consent.consentHistory(withFlags.customerId, {}, 200)).edges.map((edge) => edge.node);
    const event = history.find((entry) => entry.source.system === withFlags.record.system && entry.source.recordId === withFlags.record.recordId);
    expect(event).toMatchObject({
      method: 'IMPORT',
      actor: { kind: 'SYSTEM', id: `import:${withFlags.record.system}` },
      capturedAt: withFlags.record.updatedAt,
      evidence: expect.objectContaining({ noticeVersion: importEvidence.noticeVersion }),
    });
  }, 120_000);

  it('writes nothing twice when run again', async () => {
    expect(await runImport('second')).toBe(0);
  }, 120_000);

  it('leaves drift only where a system disagrees with the newest answer', async () => {
    const { channels, purposes } = composed.consent.vocabularyNames();
    let flags = 0;
    let drifting = 0;
    for (const { record, customerId } of seen.slice(0, 150)) {
      const known = record.consentFlags.filter((flag) => flag.status !== 'UNKNOWN' && channels.includes(flag.channel) && purposes.includes(flag.purpose));
      if (known.length === 0) continue;
      const state = await composed.consent.currentConsents(customerId);
      const drift = compareWithSourceFlags({ consents: state.map((view) => ({ ...view, key: '', seq: 0, eventId: '' })) as never }, known);
      flags += known.length;
      drifting += drift.length;
      // A drifting flag is never the newest capture for its key: the store holds a newer answer.
      for (const d of drift) {
        const held = state.find((view) => view.channel === d.channel && view.purpose === d.purpose && view.contactPoint === d.contactPoint);
        expect(held?.capturedAt.getTime() ?? 0).toBeGreaterThanOrEqual(record.updatedAt.getTime());
      }
    }
    expect(flags).toBeGreaterThan(50);
    expect(drifting).toBeLessThan(flags); // before the import every GRANTED flag drifted against UNKNOWN
  }, 120_000);
});
