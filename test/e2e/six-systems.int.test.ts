import { selectSimulatorKinds } from '../../simulators/simulator-kinds';
import { truthOf } from '../../simulators/simulator-kind';
import { startTestStack, type TestStack } from '../harness/stack';
import { testPopulation } from '../harness/simulators';
import { scoreAgainstTruth } from '../harness/identity-score';

/**
 * Every simulator at once, as `DEMO_SYSTEMS=all` connects them: two CRMs (Salesforce,
 * Dynamics 365), two email platforms (Mailchimp, Eloqua), two identity systems (SCIM,
 * SAP Customer Data Cloud). Identity resolution still matches the generator's ground truth.
 */
describe('six systems: the three and Dynamics 365, Oracle Eloqua and SAP Customer Data Cloud', () => {
  let stack: TestStack;
  const population = testPopulation();

  beforeAll(async () => {
    stack = await startTestStack({ dynamics: true, eloqua: true, sapcdc: true, dayOne: true });
  }, 180_000);
  afterAll(() => stack.stop());

  it('links every record of the six systems as the ground truth says, on exact keys', async () => {
    const truth = truthOf(population, selectSimulatorKinds('all'));
    const records = truth.reduce((sum, entry) => sum + entry.records.length, 0);
    const score = await scoreAgainstTruth(stack.composed.customers.graph, truth);
    process.stdout.write(`identity resolution over six systems: ${score.records} records, precision ${score.precision.toFixed(4)}, recall ${score.recall.toFixed(4)}\n`);
    expect(stack.adapters.map((adapter) => adapter.name)).toEqual(['salesforce', 'mailchimp', 'identity', 'dynamics', 'eloqua', 'sapcdc']);
    expect(score.records).toBe(records);
    expect(score.precision).toBeGreaterThanOrEqual(0.995);
    expect(score.recall).toBeGreaterThanOrEqual(0.99);
  });

  it('answers a profile from all six, with each source that holds the person named', async () => {
    const entry = truthOf(population, selectSimulatorKinds('all')).find((candidate) => new Set(candidate.records.map((record) => record.system)).size >= 5)!;
    const person = population.people.find((candidate) => candidate.personId === entry.personId)!;
    const body = await stack.gateway.graphqlAs<{ customer: { sources: { system: string; status: string }[] } }>(
      'support-agent',
      'query($email: String!) { customer(by: { email: $email }) { sources { system status } } }',
      { email: person.emails[0] },
    );
    expect(body.errors).toBeUndefined();
    expect(body.data!.customer.sources.every((source) => source.status === 'OK')).toBe(true);
    expect(body.data!.customer.sources.map((source) => source.system).sort()).toEqual([...new Set(entry.records.map((record) => record.system))].sort());
  });
});
