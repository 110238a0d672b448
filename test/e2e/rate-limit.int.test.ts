import { startTestGateway, type RunningGateway } from '../harness/gateway';
import { openTestStore } from '../harness/store';
import type { JsonBody } from '../harness/simulators';

/**
 * The per-principal rate limit over real HTTP: once the bucket is spent the answer is
 * 429 RATE_LIMITED with Retry-After, as GraphQL over HTTP JSON; after Retry-After
 * seconds requests are accepted again. Each principal has its own bucket: another
 * caller from the same address is not held back.
 */
describe('the rate limit', () => {
  let store: Awaited<ReturnType<typeof openTestStore>>;
  let gateway: RunningGateway;
  let colleague: string;
  const post = async (key?: string) => {
    const response = await fetch(`${gateway.baseUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', authorization: `Bearer ${key ?? (await gateway.keyFor('support-agent'))}` },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    return { status: response.status, retryAfter: response.headers.get('retry-after'), type: response.headers.get('content-type'), body: (await response.json()) as JsonBody };
  };

  beforeAll(async () => {
    store = await openTestStore();
    gateway = await startTestGateway(store, {}, { limits: { defaults: { ratePerSecond: 2, burst: 1 } } });
    await gateway.keyFor('support-agent'); // made before the burst
    colleague = (await gateway.access.apiKeys.create({ name: 'another agent', role: 'support-agent', createdBy: 'test' })).key;
  });
  afterAll(async () => {
    await gateway?.stop();
    await store?.dropAndClose();
  });

  it('answers 429 with Retry-After once the bucket is spent, and accepts requests again after it', async () => {
    const answers = await Promise.all(Array.from({ length: 12 }, () => post()));
    const accepted = answers.filter((answer) => answer.status === 200);
    const refused = answers.filter((answer) => answer.status === 429);
    // 2 a second and 1 more per 10 s: 3 at once, or 5 should a second begin among the 12.
    expect(accepted.length).toBeGreaterThanOrEqual(3);
    expect(accepted.length).toBeLessThanOrEqual(5);
    expect(refused).toHaveLength(12 - accepted.length);
    for (const answer of accepted) expect(answer.body).toEqual({ data: { __typename: 'Query' } });
    for (const answer of refused) {
      expect(answer.type).toMatch(/^application\/graphql-response\+json/);
      expect(answer.body.data).toBeUndefined();
      expect(answer.body.errors).toEqual([
        {
          message: expect.stringMatching(/^Rate limit of 2 requests per second \(and 1 more per 10 s\) exceeded; retry after \d+ s\.$/),
          extensions: { code: 'RATE_LIMITED', limit: 'ratePerSecond', max: 2, retryAfter: Number(answer.retryAfter) },
        },
      ]);
      expect(Number(answer.retryAfter)).toBeGreaterThanOrEqual(1);
      expect(Number(answer.retryAfter)).toBeLessThanOrEqual(1); // the steady rate refills within the second
    }

    // Another principal with the same role, from the same address, has a bucket of its own.
    expect((await post(colleague)).status).toBe(200);

    await new Promise((resolve) => setTimeout(resolve, Number(refused[0]!.retryAfter) * 1000));
    const again = await post();
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ data: { __typename: 'Query' } });
  });
});
