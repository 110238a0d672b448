import { gzipSync } from 'node:zlib';
import { openTestStore } from '../harness/store';
import { startTestGateway, type RunningGateway } from '../harness/gateway';

/** Sends a raw request to the gateway and returns status, content type and body text. */
async function send(gateway: RunningGateway, path: string, init: RequestInit = {}) {
  const response = await gateway.fetch(path, init);
  return { status: response.status, type: response.headers.get('content-type'), body: await response.text() };
}

const json = { 'content-type': 'application/json' };

describe('errors of the HTTP layer', () => {
  let store: Awaited<ReturnType<typeof openTestStore>>;
  let gateway: RunningGateway;
  beforeAll(async () => {
    store = await openTestStore();
    gateway = await startTestGateway(store);
  });
  afterAll(async () => {
    await gateway.stop();
    await store.dropAndClose();
  });

  it.each([
    ['a body that is not JSON', '/graphql', { method: 'POST', headers: json, body: '{"query": "{ systems { name } }", "variables": {' }, 400, 'BAD_REQUEST', 'The request body is not valid JSON.'],
    ['a body that is JSON but not an object', '/graphql', { method: 'POST', headers: json, body: '1' }, 400, 'BAD_REQUEST', 'The request body is not valid JSON.'],
    ['a body over 1 MB', '/graphql', { method: 'POST', headers: json, body: JSON.stringify({ query: 'x'.repeat(5_000_000) }) }, 413, 'PAYLOAD_TOO_LARGE', 'The request body is larger than the gateway accepts (1mb).'],
    ['a charset other than UTF-8', '/graphql', { method: 'POST', headers: { 'content-type': 'application/json; charset=latin9' }, body: '{}' }, 415, 'UNSUPPORTED_MEDIA_TYPE', 'The request body must be UTF-8 (say charset=utf-8 or no charset).'],
    ['an unknown content encoding', '/graphql', { method: 'POST', headers: { ...json, 'content-encoding': 'zip9' }, body: '{}' }, 415, 'UNSUPPORTED_MEDIA_TYPE', 'The request body must be sent uncompressed or with Content-Encoding gzip, deflate or br.'],
    ['a path the gateway does not serve', '/customers/42', {}, 404, 'NOT_FOUND', 'No such endpoint; the gateway serves /graphql, /console, /preferences, /healthz, /readyz and /metrics.'],
  ] as const)('answers %s in GraphQL-over-HTTP JSON with a catalogue code, no stack and no file path', async (_case, path, init, status, code, message) => {
    const answer = await send(gateway, path, init as RequestInit);
    expect(answer.status).toBe(status);
    expect(answer.type).toBe('application/json; charset=utf-8');
    expect(JSON.parse(answer.body)).toEqual({ errors: [{ message, extensions: { code } }] });
    expect(answer.body).not.toMatch(/node_modules|\bat \w|<html|\/work\//);
  });

  it('answers in application/graphql-response+json to a client that accepts only that', async () => {
    const answer = await send(gateway, '/graphql', {
      method: 'POST',
      headers: { ...json, accept: 'application/graphql-response+json' },
      body: '{"query": ',
    });
    expect(answer.status).toBe(400);
    expect(answer.type).toBe('application/graphql-response+json; charset=utf-8');
    expect(JSON.parse(answer.body)).toMatchObject({ errors: [{ extensions: { code: 'BAD_REQUEST' } }] });
  });

  it('still serves a gzip-compressed request', async () => {
    const answer = await send(gateway, '/graphql', {
      method: 'POST',
      headers: { ...json, 'content-encoding': 'gzip' },
      body: gzipSync(JSON.stringify({ query: '{ systems { name } }' })),
    });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toEqual({ data: { systems: [] } });
  });
});
