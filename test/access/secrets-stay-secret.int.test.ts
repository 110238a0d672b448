import { createLogger } from '../../src/observability/logger';
import type { RunningSimulator } from '../../simulators/simulator';
import type { RunningGateway } from '../harness/gateway';
import { testPopulation } from '../harness/simulators';
import { startTestStack, type TestStack } from '../harness/stack';
import { keySecretOf } from '../harness/api-key-parts';

/**
 * Canary credentials everywhere a secret passes: the sources' (one accepted, two refused
 * by the vendor), API keys, a preference-centre link, a made-up key. None may appear in
 * a log line, an answer (errors included) or the metrics; base URLs only for admins.
 */
describe('secrets stay secret: credentials never reach logs, errors or metrics, and base URLs only admins', () => {
  const canary = { scimToken: 'scim-canary-token-8812', salesforceSecret: 'sf-canary-secret-4410', mailchimpKey: 'mcanary0key7731-us1' };
  let stack: TestStack;
  let simulators: RunningSimulator[];
  let gateway: RunningGateway;
  const lines: string[] = [];
  const person = testPopulation().people.find((candidate) => candidate.records.length === 3)!;

  beforeAll(async () => {
    // The gateway holds a wrong CRM secret and a wrong ESP key: both vendors refuse them.
    const wrong: Record<string, Record<string, string>> = { salesforce: { clientSecret: canary.salesforceSecret }, mailchimp: { apiKey: canary.mailchimpKey } };
    stack = await startTestStack({
      scim: { bearerToken: canary.scimToken },
      describe: (descriptor) => ({ ...descriptor, credentials: { ...descriptor.credentials, ...wrong[descriptor.dialect] } }),
      logger: createLogger({ level: 'debug', destination: { write: (line: string) => lines.push(line) } }),
    });
    ({ simulators, gateway } = stack);
  });
  afterAll(() => stack.stop());

  it('keeps every credential out of logs, answers and metrics, while sources fail and succeed', async () => {
    const { key: agentKey } = await gateway.access.apiKeys.create({ name: 'canary agent', role: 'support-agent', createdBy: 'test' });
    const answers: string[] = [];
    const profile = 'query($email: String!) { customer(by: { email: $email }) { id emails identity { username } crm { tier } engagement { lists } sources { system status error } } }';
    const first = await gateway.graphqlAs<{ customer: { id: string } }>({ credential: agentKey }, profile, { email: person.emails[0] });
    answers.push(JSON.stringify(first));
    const link = await gateway.access.preferenceLinks.issue(first.data!.customer.id);
    answers.push(JSON.stringify(await gateway.graphqlAs({ credential: link }, 'query($id: ID!) { customer(by: { id: $id }) { consents { channel } } }', { id: first.data!.customer.id })));
    answers.push(JSON.stringify(await gateway.graphqlAs({ credential: agentKey }, '{ systems { name health { status lastError } } }')));
    const inventory = await gateway.graphql<{ systems: { name: string; health: { lastError: string | null } }[] }>('{ systems { name baseUrl health { lastError } } }');
    answers.push(JSON.stringify(inventory));
    // The refused credentials did reach the vendors: their refusals are what must not echo them.
    expect(inventory.data!.systems.filter((system) => system.health.lastError !== null).map((system) => system.name).sort()).toEqual(['mailchimp', 'salesforce']);
    const wrongSecret = `${agentKey.slice(0, -6)}AAAAAA`;
    const refused = await gateway.fetch('/graphql', { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${wrongSecret}` }, body: '{"query":"{ systems { name } }"}' });
    expect(refused.status).toBe(401);
    answers.push(await refused.text());
    const metrics = await (await gateway.fetch('/metrics')).text();

    const secrets = [...Object.values(canary), agentKey, keySecretOf(agentKey), keySecretOf(wrongSecret), gateway.adminKey, keySecretOf(gateway.adminKey), link];
    const places = { logs: lines.join('\n'), answers: answers.join('\n'), metrics };
    for (const [where, text] of Object.entries(places)) {
      for (const secret of secrets) expect({ where, leaked: text.includes(secret) ? secret : null }).toEqual({ where, leaked: null });
    }
    expect(lines.length).toBeGreaterThan(0);
  });

  it('shows base URLs to admins only: anyone else gets the rest of the inventory and a FORBIDDEN error at each baseUrl', async () => {
    const asAdmin = await gateway.graphql<{ systems: { name: string; baseUrl: string }[] }>('{ systems { name baseUrl } }');
    expect(asAdmin.data!.systems.map((system) => system.baseUrl)).toEqual(simulators.map((simulator) => simulator.descriptor.baseUrl));
    for (const role of ['support-agent', 'internal-app', 'data-steward', 'compliance-officer'] as const) {
      const { data, errors } = await gateway.graphqlAs<{ systems: { name: string; baseUrl: string | null }[] }>(role, '{ systems { name dialect baseUrl } }');
      expect(data!.systems).toEqual(asAdmin.data!.systems.map(({ name }) => expect.objectContaining({ name, baseUrl: null })));
      expect(errors).toEqual(
        asAdmin.data!.systems.map((_, index) =>
          expect.objectContaining({ path: ['systems', index, 'baseUrl'], message: expect.stringContaining(`System.baseUrl`), extensions: expect.objectContaining({ code: 'FORBIDDEN' }) }),
        ),
      );
      for (const simulator of simulators) expect(JSON.stringify({ data, errors })).not.toContain(simulator.descriptor.baseUrl);
    }
  });
});
