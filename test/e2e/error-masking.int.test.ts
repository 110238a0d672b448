import { SystemsService } from '../../src/systems/systems-service';
import { NotFoundError } from '../../src/errors/gateway-error';
import { openTestStore } from '../harness/store';
import { startTestGateway } from '../harness/gateway';
import { MongoStore } from '../../src/store/mongo-store';
import { freeLoopbackPort } from '../../src/store/embedded-ferretdb';
import { composeServices } from '../../src/compose-services';

describe('errors the API returns', () => {
  let store: Awaited<ReturnType<typeof openTestStore>>;
  beforeAll(async () => {
    store = await openTestStore();
  });
  afterAll(() => store.dropAndClose());

  it('masks an unexpected error as INTERNAL_SERVER_ERROR without its message', async () => {
    const broken = new SystemsService([{ describe: () => { throw new Error('password=hunter2 leaked'); } }]);
    const running = await startTestGateway(store, { systems: broken });
    try {
      const body = await running.graphql('{ systems { name } }');
      expect(body.errors).toEqual([
        { message: 'Unexpected error.', locations: [{ line: 1, column: 3 }], path: ['systems'], extensions: { code: 'INTERNAL_SERVER_ERROR' } },
      ]);
      expect(JSON.stringify(body)).not.toContain('hunter2');
    } finally {
      await running.stop();
    }
  });

  it('passes a catalogued error through with its code and message', async () => {
    const missing = new SystemsService([{ describe: () => { throw new NotFoundError('No system named crm2 is configured.'); } }]);
    const running = await startTestGateway(store, { systems: missing });
    try {
      const body = await running.graphql('{ systems { name } }');
      expect(body.errors?.[0]).toMatchObject({ message: 'No system named crm2 is configured.', extensions: { code: 'NOT_FOUND' } });
    } finally {
      await running.stop();
    }
  });

  it('answers a syntax error with GRAPHQL_PARSE_FAILED and a 400', async () => {
    const running = await startTestGateway(store);
    try {
      const response = await running.fetch('/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ systems { name ' }),
      });
      expect(response.status).toBe(400);
      expect(((await response.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe(
        'GRAPHQL_PARSE_FAILED',
      );
    } finally {
      await running.stop();
    }
  });

  it('counts requests per operation and serves them on /metrics', async () => {
    const running = await startTestGateway(store);
    try {
      await running.fetch('/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: 'query ListSystems { systems { name } }', operationName: 'ListSystems' }),
      });
      const text = await (await fetch(`${running.baseUrl}/metrics`)).text();
      expect(text).toMatch(/gateway_graphql_requests_total\{operation="ListSystems",outcome="ok"\} 1/);
      expect(text).toMatch(/gateway_graphql_request_duration_seconds_count\{operation="ListSystems"\} 1/);
    } finally {
      await running.stop();
    }
  });
});

describe('a store that cannot be reached', () => {
  it('answers STORE_UNAVAILABLE, not an internal error, so callers know to retry', async () => {
    const deadPort = await freeLoopbackPort();
    const store = new MongoStore({ uri: `mongodb://127.0.0.1:${deadPort}/`, dbName: 'unreachable', serverSelectionTimeoutMS: 300 });
    // The credentials live in a store that answers; the consent store behind the query does not.
    const credentials = await openTestStore();
    const running = await startTestGateway(credentials, composeServices({ store, adapters: [] }).services);
    try {
      const body = await running.graphql('{ consentHistory(customerId: "cus_1", first: 1) { edges { cursor } } }');
      expect(body.errors?.[0]).toMatchObject({
        message: 'The store cannot be reached; retry later.',
        extensions: { code: 'STORE_UNAVAILABLE' },
      });
    } finally {
      await running.stop();
      await store.close();
      await credentials.dropAndClose();
    }
  });

  it('refuses a request whose API key cannot be checked with STORE_UNAVAILABLE (503), never as unauthenticated', async () => {
    const credentials = await openTestStore();
    const running = await startTestGateway(credentials);
    try {
      await credentials.close();
      const response = await running.fetch('/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ systems { name } }"}' });
      expect(response.status).toBe(503);
      expect(await response.json()).toEqual({ errors: [{ message: 'The store cannot be reached; retry later.', extensions: { code: 'STORE_UNAVAILABLE' } }] });
    } finally {
      await running.stop();
    }
  });
});
