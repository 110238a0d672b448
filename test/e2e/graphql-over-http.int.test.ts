import { serverAudits } from 'graphql-http';
import { openTestStore } from '../harness/store';
import { startTestGateway, type RunningGateway } from '../harness/gateway';

/**
 * Conformance with the GraphQL over HTTP specification
 * (https://graphql.github.io/graphql-over-http/draft/), using the audit suite of the
 * `graphql-http` reference implementation against the running server over real HTTP.
 */
describe('GraphQL over HTTP conformance', () => {
  let store: Awaited<ReturnType<typeof openTestStore>>;
  let running: RunningGateway;
  beforeAll(async () => {
    store = await openTestStore();
    running = await startTestGateway(store);
  });
  afterAll(async () => {
    await running.stop();
    await store.dropAndClose();
  });

  const audits = serverAudits({ url: () => `${running.baseUrl}/graphql`, fetchFn: (input: string | URL | Request, init?: RequestInit) => running.fetch(String(input), init) });
  const mustAudits = audits.filter((audit) => audit.name.startsWith('MUST'));

  it('runs a meaningful number of MUST-level audits', () => {
    expect(mustAudits.length).toBeGreaterThan(10);
  });

  it.each(mustAudits.map((audit) => [audit.name, audit] as const))('%s', async (_name, audit) => {
    const result = await audit.fn();
    const reason = result.status === 'ok' ? '' : result.reason;
    expect({ status: result.status, reason }).toEqual({ status: 'ok', reason: '' });
  });
});
