import type { SalesforceSimulator } from '../../simulators/salesforce/salesforce-simulator';
import { createLogger } from '../../src/observability/logger';
import { collectionNames } from '../../src/store/collections';
import { FieldScanResults } from '../../src/systems-map/field-scan-results';
import { createFieldScanner } from '../../src/systems-map/field-scanner';
import { until } from '../harness/eventually-async';
import { startTestStack, type TestStack } from '../harness/stack';

const MATRIX = `query Matrix {
  fieldMatrix { scannedAt customersScanned fields { field conflictRate conflicts systems { system provides held wins } } }
}`;

interface Matrix {
  scannedAt: string;
  customersScanned: number;
  fields: { field: string; conflictRate: number; conflicts: number; systems: { system: string; provides: boolean; held: number; wins: number }[] }[];
}

describe('the systems map\'s field matrix, from a periodic scan of the population', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack({ dayOne: true }); // the identity graph of the 200-person test population
  }, 60_000);
  afterAll(() => stack.stop());

  const matrix = async (role: 'support-agent' | 'offer-engine' = 'support-agent') => stack.gateway.graphqlAs<{ fieldMatrix: Matrix | null }>(role, MATRIX);

  it('answers null, without an error, before the first scan', async () => {
    expect(await matrix()).toEqual({ data: { fieldMatrix: null } });
  });

  it('merges a sample through the profile loaders and counts per field the conflicts, and per system what it holds and how often it wins', async () => {
    const started = Date.now();
    const scan = await stack.composed.fieldScanner.runOnce();
    expect(scan.customersSkipped).toBe(0);
    const { data, errors } = await matrix();
    expect(errors).toBeUndefined();
    const answer = data!.fieldMatrix!;
    expect(Date.parse(answer.scannedAt)).toBeGreaterThanOrEqual(started - 1000);
    // Every customer of the test population (fewer than the default sample of 500).
    const customers = await stack.store.collection(collectionNames.identityCustomers).countDocuments({});
    const merged = await stack.store.collection(collectionNames.identityRedirects).countDocuments({});
    expect(answer.customersScanned).toBe(customers - merged);
    expect(answer.fields.map((field) => field.field)).toEqual(['name', 'emails', 'phones', 'addresses', 'birthDate', 'locale']);

    const field = (name: string) => answer.fields.find((entry) => entry.field === name)!;
    for (const entry of answer.fields) {
      expect(entry.systems.map((system) => system.system)).toEqual(['salesforce', 'mailchimp', 'identity']);
      expect(entry.conflictRate).toBeCloseTo(entry.conflicts / answer.customersScanned, 10);
      for (const system of entry.systems) {
        expect(system.wins).toBeLessThanOrEqual(system.held);
        if (!system.provides) expect(system.held).toBe(0); // a system holds only what its configuration says it provides
      }
    }
    // From each system's configured fields: only the CRM has birth dates, the CRM no locale.
    expect(field('birthDate').systems.map((system) => system.provides)).toEqual([true, false, false]);
    expect(field('locale').systems.map((system) => system.provides)).toEqual([false, true, true]);
    // The generated people disagree about names across systems; the CRM's name wins wherever it has one (source priority).
    expect(field('name').conflicts).toBeGreaterThan(0);
    const [crm] = field('name').systems;
    expect(crm!.wins).toBe(crm!.held);
    // One winner per customer with a name: the wins add up to the customers whose name resolved.
    expect(field('name').systems.reduce((sum, system) => sum + system.wins, 0)).toBeLessThanOrEqual(answer.customersScanned);
  });

  it('withholds the matrix from a role outside the operators', async () => {
    const { data, errors } = await matrix('offer-engine');
    expect(data!.fieldMatrix).toBeNull();
    expect(errors![0]).toMatchObject({ path: ['fieldMatrix'], extensions: { code: 'FORBIDDEN' } });
  });

  it('scans once per interval however many processes run the loop: the one whose unique insert of the interval\'s lease lands', async () => {
    const results = new FieldScanResults(stack.store);
    // Two processes' scanners, a clock fixed in the middle of an hour-long interval.
    const now = () => new Date(Date.UTC(2030, 0, 1, 0, 30));
    const scanners = [0, 1].map(() =>
      createFieldScanner({
        store: stack.store,
        graph: stack.composed.customers.graph,
        profiles: stack.composed.customers.profiles,
        adapters: stack.adapters,
        results,
        logger: createLogger({ level: 'silent' }),
        intervalMs: 3_600_000,
        firstRunAfterMs: 0,
        sampleSize: 20,
        now,
      }),
    );
    const scansAt = () => stack.store.collection(collectionNames.fieldScans).countDocuments({ scannedAt: now() });
    scanners.forEach((scanner) => scanner.start());
    await until(scansAt, (count) => count > 0, 30_000);
    await new Promise((resolve) => setTimeout(resolve, 1000)); // time for a second scan, were there one
    await Promise.all(scanners.map((scanner) => scanner.stop()));
    expect(await scansAt()).toBe(1);
    expect(await stack.store.collection(collectionNames.fieldScanSlots).countDocuments({ _id: `field-scan@${Math.floor(now().getTime() / 3_600_000)}` } as never)).toBe(1);
    // The sample of 20, each merged or (a source slow on a loaded machine) left out: counted once either way.
    const scan = (await results.latest())!;
    expect(scan.customersScanned + scan.customersSkipped).toBe(20);
  });

  it('leaves out of the counts a customer whose source failed during the scan, rather than reading the outage as agreement', async () => {
    const salesforce = stack.simulators[0] as SalesforceSimulator;
    salesforce.setFaults({ errorRate: 1 });
    try {
      const scan = await stack.composed.fieldScanner.runOnce();
      expect(scan.customersSkipped).toBeGreaterThan(0);
      const crmHeld = scan.fields.flatMap((field) => field.systems).filter((system) => system.system === 'salesforce').map((system) => system.held);
      expect(crmHeld.every((held) => held === 0)).toBe(true);
    } finally {
      salesforce.setFaults({});
    }
  });
});
