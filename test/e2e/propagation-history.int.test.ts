import { startTestStack, type TestStack } from '../harness/stack';
import { testPopulation } from '../harness/simulators';
import { until } from '../harness/eventually-async';

const HISTORY = `query History($minutes: Int) {
  propagationHistory(minutes: $minutes) { minute system backlog dead delivered lagP50Seconds lagP99Seconds processes }
}`;

interface Sample {
  minute: string;
  system: string;
  backlog: number;
  dead: number;
  delivered: number;
  lagP50Seconds: number | null;
  lagP99Seconds: number | null;
  processes: number;
}

describe('propagationHistory: backlog, dead rows, deliveries and lag per minute and system, for the systems map\'s chart', () => {
  let stack: TestStack;
  // Someone in all three systems, so that a change reaches each of them.
  const population = testPopulation();
  const member = population.mailchimpMembers.find((candidate) => {
    const email = candidate.email_address.toLowerCase();
    return population.salesforceContacts.some((c) => c.Email?.toLowerCase() === email) && population.scimUsers.some((u) => u.emails.some((e) => e.value.toLowerCase() === email));
  })!;

  beforeAll(async () => {
    // Sampled by hand below (sampleOnce), not by the minute's timer.
    stack = await startTestStack({ propagation: { pollIntervalMs: 60_000, sampleEveryMs: 3_600_000, retry: { maxAttempts: 3, baseMs: 200, capMs: 1000 } } });
  }, 60_000);
  afterAll(() => stack.stop());

  /** DELIVERED outbox rows per system: every delivery this (only) process made. */
  const deliveredBySystem = async () => {
    const rows = await stack.composed.propagation.ledger.inStatus('DELIVERED');
    return new Map(['identity', 'mailchimp', 'salesforce'].map((system) => [system, rows.filter((row) => row.system === system).length]));
  };
  const history = (minutes?: number, role: 'support-agent' | 'offer-engine' = 'support-agent') => stack.gateway.graphqlAs<{ propagationHistory: Sample[] | null }>(role, HISTORY, minutes === undefined ? {} : { minutes });

  it('shows, for the current minute, each system\'s deliveries of a one-click unsubscribe and their lag', async () => {
    const found = await stack.gateway.graphql<{ customer: { id: string } }>('query($email: String!) { customer(by: { email: $email }) { id } }', { email: member.email_address });
    const customerId = found.data!.customer.id;
    const link = await stack.gateway.graphqlAs<{ createPreferenceLink: { unsubscribeUrl: string } }>(
      'support-agent',
      'mutation($id: ID!) { createPreferenceLink(customerId: $id, purpose: "MARKETING") { unsubscribeUrl } }',
      { id: customerId },
    );
    const answer = await fetch(link.data!.createPreferenceLink.unsubscribeUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
    expect(answer.status).toBe(200);
    const deliveries = () => stack.gateway.graphql<{ customer: { deliveries: { system: string; status: string }[] } }>('query($id: ID!) { customer(by: { id: $id }) { deliveries { system status } } }', { id: customerId });
    // The unsubscribe goes to all three systems (rows of changes the systems report back after our writes may be skipped).
    const delivered = (statuses: { system: string; status: string }[]) => statuses.filter((delivery) => delivery.status === 'DELIVERED').map((delivery) => delivery.system).sort();
    const settled = await until(deliveries, ({ data }) => data!.customer.deliveries.every((delivery) => !['PENDING', 'DELIVERING'].includes(delivery.status)), 30_000);
    expect(delivered(settled.data!.customer.deliveries)).toEqual(['identity', 'mailchimp', 'salesforce']);

    // The systems' webhooks of our writes may bring changes of their own: wait until nothing is left to deliver, and stays so.
    const idle = () => until(() => stack.composed.propagation.ledger.backlogBySystem(), (counts) => [...counts.values()].every((entry) => entry.backlog === 0), 30_000);
    await idle();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await idle();
    await stack.composed.propagation.start().sampler.sampleOnce(); // `start` is idempotent: the running parts
    const { data, errors } = await history();
    expect(errors).toBeUndefined();
    const samples = data!.propagationHistory!;
    expect(samples.map((sample) => sample.system).sort()).toEqual(['identity', 'mailchimp', 'salesforce']);
    const deliveredRows = await deliveredBySystem();
    for (const sample of samples) {
      // This process's only tick: every delivery it made so far, at least the unsubscribe's.
      expect(sample).toMatchObject({ backlog: 0, dead: 0, delivered: deliveredRows.get(sample.system), processes: 1 });
      expect(sample.delivered).toBeGreaterThanOrEqual(1);
      expect(sample.lagP50Seconds).toBeGreaterThan(0);
      expect(sample.lagP99Seconds).toBeGreaterThanOrEqual(sample.lagP50Seconds!);
      expect(Date.parse(sample.minute) % 60_000).toBe(0);
    }
  });

  it('counts each delivery once: a later tick without deliveries adds none', async () => {
    await stack.composed.propagation.start().sampler.sampleOnce();
    const samples = (await history(5)).data!.propagationHistory!;
    const deliveredRows = await deliveredBySystem();
    expect(samples.reduce((sum, sample) => sum + sample.delivered, 0)).toBe([...deliveredRows.values()].reduce((sum, count) => sum + count, 0));
  });

  it('refuses minutes outside 1..1440 with BAD_USER_INPUT naming `minutes`, and withholds the history from a role outside the operators', async () => {
    for (const minutes of [0, 1441]) {
      expect((await history(minutes)).errors![0]).toMatchObject({ message: 'minutes: from 1 to 1440.', extensions: { code: 'BAD_USER_INPUT', field: 'minutes' } });
    }
    const refused = await history(60, 'offer-engine');
    expect(refused.data!.propagationHistory).toBeNull();
    expect(refused.errors![0]!.extensions!.code).toBe('FORBIDDEN');
  });
});
