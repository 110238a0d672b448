import { setMaxListeners } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogger } from '../../../src/observability/logger';
import { GatewayMetrics } from '../../../src/observability/metrics';
import { ResilientHttpClient, type ResilientHttpClientOptions } from '../../../src/adapters/http/resilient-http-client';
import { SourceError } from '../../../src/adapters/http/source-error';

/** A tiny real HTTP server whose answers each test scripts; it records what it served. */
interface ScriptedServer {
  url: string;
  calls: number;
  peak: number;
  closedEarly: number;
  script: (req: http.IncomingMessage, res: http.ServerResponse, call: number) => void;
  stop(): Promise<void>;
}

async function startServer(): Promise<ScriptedServer> {
  let active = 0;
  const state = {
    url: '',
    calls: 0,
    peak: 0,
    closedEarly: 0,
    script: ((_req, res) => res.end('{}')) as ScriptedServer['script'],
    stop: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
  const server = http.createServer((req, res) => {
    state.calls += 1;
    active += 1;
    state.peak = Math.max(state.peak, active);
    res.on('close', () => {
      active -= 1;
      if (!res.writableFinished) state.closedEarly += 1;
    });
    req.resume();
    req.on('end', () => state.script(req, res, state.calls));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
  return state;
}

function json(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

describe('ResilientHttpClient', () => {
  let server: ScriptedServer;
  let client: ResilientHttpClient;
  let metrics: GatewayMetrics;

  const makeClient = (options: Partial<ResilientHttpClientOptions> = {}) =>
    new ResilientHttpClient({
      system: 'crm',
      baseUrl: server.url,
      metrics,
      retry: { initialDelayMs: 10, maxDelayMs: 1500 },
      breaker: { consecutiveFailures: 3, halfOpenAfterMs: 200 },
      ...options,
    });

  beforeEach(async () => {
    server = await startServer();
    metrics = new GatewayMetrics();
    client = makeClient();
  });
  afterEach(async () => {
    await client.close();
    await server.stop();
  });

  it('resolves paths under the base URL path and parses JSON answers', async () => {
    let seen = '';
    server.script = (req, res) => {
      seen = req.url ?? '';
      json(res, 200, { ok: true });
    };
    const response = await client.send({ operation: 'read', method: 'GET', path: '/things/1', query: { a: 'x y', b: undefined } });
    expect(response.body).toEqual({ ok: true });
    expect(seen).toBe('/api/things/1?a=x+y');
  });

  it('retries an idempotent GET after a 503 and succeeds', async () => {
    server.script = (_req, res, call) => (call === 1 ? json(res, 503, { error: 'busy' }) : json(res, 200, { ok: call }));
    const response = await client.send({ operation: 'read', method: 'GET', path: '/x' });
    expect(response.body).toEqual({ ok: 2 });
    expect(server.calls).toBe(2);
  });

  it('retries a POST marked idempotent (a read by POST)', async () => {
    server.script = (_req, res, call) => (call === 1 ? json(res, 500, {}) : json(res, 200, []));
    await client.send({ operation: 'retrieve', method: 'POST', path: '/x', json: { ids: ['1'] }, idempotent: true });
    expect(server.calls).toBe(2);
  });

  it('never retries a call that is not idempotent', async () => {
    server.script = (_req, res) => json(res, 503, {});
    await expect(client.send({ operation: 'create', method: 'POST', path: '/x', json: {} })).rejects.toMatchObject({
      kind: 'UNAVAILABLE',
      status: 503,
    });
    expect(server.calls).toBe(1);
  });

  it('waits at least the Retry-After of a 429 before retrying', async () => {
    server.script = (_req, res, call) =>
      call === 1 ? json(res, 429, {}, { 'retry-after': '1' }) : json(res, 200, { ok: true });
    const started = Date.now();
    await client.send({ operation: 'read', method: 'GET', path: '/x' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(server.calls).toBe(2);
  });

  it('does not sit out a Retry-After longer than the longest backoff: it fails RATE_LIMITED at once', async () => {
    server.script = (_req, res) => json(res, 429, {}, { 'retry-after': '120' });
    await expect(client.send({ operation: 'read', method: 'GET', path: '/x' })).rejects.toMatchObject({
      kind: 'RATE_LIMITED',
      retryAfterMs: 120_000,
    });
    expect(server.calls).toBe(1);
  });

  it('gives up after the configured retries and reports SOURCE_UNAVAILABLE', async () => {
    server.script = (_req, res) => json(res, 502, {});
    const error = await client.send({ operation: 'read', method: 'GET', path: '/x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SourceError);
    expect((error as SourceError).extensions.code).toBe('SOURCE_UNAVAILABLE');
    expect((error as SourceError).message).toBe('The crm system is unavailable (HTTP 502).');
    expect(server.calls).toBe(3);
  });

  it('does not retry a 400 or a 404', async () => {
    server.script = (_req, res, call) => json(res, call === 1 ? 400 : 404, {});
    await expect(client.send({ operation: 'read', method: 'GET', path: '/x' })).rejects.toMatchObject({ kind: 'BAD_REQUEST' });
    await expect(client.send({ operation: 'read', method: 'GET', path: '/x' })).rejects.toMatchObject({ kind: 'NOT_FOUND' });
    expect(server.calls).toBe(2);
  });

  it('opens the circuit after consecutive failures, fails fast, then closes it after a good half-open probe', async () => {
    client = makeClient({ retry: { maxRetries: 0 } });
    server.script = (_req, res) => json(res, 503, {});
    for (let i = 0; i < 3; i++) {
      await expect(client.send({ operation: 'read', method: 'GET', path: '/x' })).rejects.toMatchObject({ kind: 'UNAVAILABLE' });
    }
    expect(client.healthSnapshot()).toMatchObject({ circuit: 'OPEN', status: 'UNAVAILABLE' });
    const fast = await client.send({ operation: 'read', method: 'GET', path: '/x' }).catch((e: unknown) => e);
    expect(fast).toMatchObject({ kind: 'CIRCUIT_OPEN', extensions: { code: 'SOURCE_UNAVAILABLE', system: 'crm' } });
    expect(server.calls).toBe(3);

    server.script = (_req, res) => json(res, 200, { ok: true });
    await new Promise((resolve) => setTimeout(resolve, 250));
    await expect(client.send({ operation: 'read', method: 'GET', path: '/x' })).resolves.toMatchObject({ status: 200 });
    expect(client.healthSnapshot().circuit).toBe('CLOSED');
    expect(server.calls).toBe(4);
  });

  it('logs the circuit opening and closing with the system name and error label only', async () => {
    const lines: Record<string, unknown>[] = [];
    const logger = createLogger({ level: 'info', destination: { write: (line: string) => lines.push(JSON.parse(line)) } });
    client = makeClient({ logger, retry: { maxRetries: 0 }, breaker: { consecutiveFailures: 1, halfOpenAfterMs: 50 } });
    server.script = (_req, res, call) => (call === 1 ? json(res, 503, {}) : json(res, 200, {}));
    await expect(client.send({ operation: 'read', method: 'GET', path: '/x?email=a@b.c' })).rejects.toBeInstanceOf(SourceError);
    await new Promise((resolve) => setTimeout(resolve, 60));
    await client.send({ operation: 'read', method: 'GET', path: '/x' });
    expect(lines.map((line) => line.msg)).toEqual([
      'source circuit opened: calls fail fast',
      'source circuit half-open: probing',
      'source circuit closed',
    ]);
    expect(lines[0]).toMatchObject({ system: 'crm', lastError: 'UNAVAILABLE HTTP 503' });
    expect(JSON.stringify(lines)).not.toContain('a@b.c');
  });

  it('aborts the HTTP request when the caller signal fires and reports TIMEOUT', async () => {
    server.script = () => undefined; // never answers
    const signal = AbortSignal.timeout(100);
    await expect(client.send({ operation: 'read', method: 'GET', path: '/x', signal })).rejects.toMatchObject({ kind: 'TIMEOUT' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(server.closedEarly).toBe(1);
    expect(server.calls).toBe(1); // an aborted call is not retried
  });

  it('gives up during a retry backoff as soon as the caller signal fires', async () => {
    server.script = (_req, res) => json(res, 503, {}, { 'retry-after': '1' });
    const started = Date.now();
    await expect(
      client.send({ operation: 'read', method: 'GET', path: '/x', signal: AbortSignal.timeout(150) }),
    ).rejects.toMatchObject({ kind: 'TIMEOUT' });
    expect(Date.now() - started).toBeLessThan(900); // did not sit out the 1 s backoff
    await new Promise((resolve) => setTimeout(resolve, 1100)); // the backoff ends: no further attempt
    expect(server.calls).toBe(1);
    const calls = await metrics.sourceCalls.get();
    expect(calls.values.map((v) => v.labels.outcome)).toEqual(['unavailable']);
  });

  it('reports TIMEOUT when the headers do not arrive within headersTimeoutMs', async () => {
    client = makeClient({ headersTimeoutMs: 100, retry: { maxRetries: 1, initialDelayMs: 10 } });
    server.script = () => undefined;
    await expect(client.send({ operation: 'read', method: 'GET', path: '/x' })).rejects.toMatchObject({
      kind: 'TIMEOUT',
      vendorCode: 'UND_ERR_HEADERS_TIMEOUT',
    });
    expect(server.calls).toBe(2);
  });

  it('reports UNAVAILABLE when nothing listens', async () => {
    const url = server.url;
    await server.stop();
    client = new ResilientHttpClient({ system: 'crm', baseUrl: url, retry: { maxRetries: 0 } });
    await expect(client.send({ operation: 'read', method: 'GET', path: '/x' })).rejects.toMatchObject({
      kind: 'UNAVAILABLE',
      vendorCode: 'ECONNREFUSED',
    });
    server = await startServer();
  });

  it('keeps at most maxConnections requests in flight', async () => {
    client = makeClient({ maxConnections: 4 });
    server.script = (_req, res) => setTimeout(() => json(res, 200, {}), 20);
    await Promise.all(Array.from({ length: 20 }, () => client.send({ operation: 'read', method: 'GET', path: '/x' })));
    expect(server.calls).toBe(20);
    expect(server.peak).toBe(4);
  });

  it("never counts a caller's abort against the source: waiting for a connection or in flight, the circuit stays closed", async () => {
    client = makeClient({ maxConnections: 1, retry: { maxRetries: 0 } });
    server.script = (_req, res) => setTimeout(() => json(res, 200, {}), 150);
    // One caller gives up on six calls after 50 ms: one of them was sent, five were still waiting for the connection.
    const signal = AbortSignal.timeout(50);
    setMaxListeners(0, signal); // shared by several calls, as callers that share one do
    const outcomes = await Promise.all(
      Array.from({ length: 6 }, () => client.send({ operation: 'read', method: 'GET', path: '/x', signal }).catch((e: unknown) => e)),
    );
    expect(outcomes.every((outcome) => outcome instanceof SourceError && outcome.kind === 'TIMEOUT' && outcome.cancelled)).toBe(true);
    expect(server.calls).toBe(1); // the waiting calls were never sent
    expect(client.healthSnapshot()).toMatchObject({ circuit: 'CLOSED', status: 'HEALTHY', lastError: null });
    await expect(client.send({ operation: 'read', method: 'GET', path: '/x' })).resolves.toMatchObject({ status: 200 });
  });

  it('starts a call budget when the call is sent: calls queued behind one connection all answer, a sent call left unanswered fails at its budget', async () => {
    client = makeClient({ maxConnections: 1, retry: { maxRetries: 0 } });
    server.script = (_req, res, call) => (call === 9 ? undefined : setTimeout(() => json(res, 200, { call }), 60));
    // Eight calls of 60 ms each through one connection take about 480 ms in all; each has 250 ms once sent.
    const answers = await Promise.all(
      Array.from({ length: 8 }, () => client.send({ operation: 'read', method: 'GET', path: '/x', budgetMs: 250 })),
    );
    expect(answers.map((answer) => answer.status)).toEqual(Array(8).fill(200));
    expect(client.healthSnapshot()).toMatchObject({ circuit: 'CLOSED', status: 'HEALTHY' });

    const started = Date.now();
    const hung = await client.send({ operation: 'read', method: 'GET', path: '/x', budgetMs: 250 }).catch((e: unknown) => e);
    expect(hung).toMatchObject({ kind: 'TIMEOUT', cancelled: false });
    expect(Date.now() - started).toBeLessThan(1000);
    // A sent request the source did not answer is the source's failure.
    expect(client.healthSnapshot()).toMatchObject({ status: 'DEGRADED', lastError: 'TIMEOUT' });
  });

  it("serves waiting calls lane by lane, so one caller's large batch does not hold up another caller's single read", async () => {
    client = makeClient({ maxConnections: 2 });
    server.script = (_req, res) => setTimeout(() => json(res, 200, {}), 40);
    const batchLane = {};
    const batch = Promise.all(Array.from({ length: 40 }, () => client.send({ operation: 'read', method: 'GET', path: '/x', lane: batchLane })));
    await new Promise((resolve) => setTimeout(resolve, 10));
    const started = Date.now();
    await client.send({ operation: 'read', method: 'GET', path: '/x', lane: {} });
    // Behind the whole batch it would wait 20 rounds of 40 ms; served in turn, about two.
    expect(Date.now() - started).toBeLessThan(400);
    await batch;
  });

  it('times and counts every attempt by system, operation and outcome', async () => {
    server.script = (_req, res, call) => (call === 1 ? json(res, 503, {}) : json(res, 200, {}));
    await client.send({ operation: 'read', method: 'GET', path: '/x' });
    const calls = await metrics.sourceCalls.get();
    const byOutcome = Object.fromEntries(calls.values.map((v) => [`${v.labels.system}/${v.labels.operation}/${v.labels.outcome}`, v.value]));
    expect(byOutcome).toEqual({ 'crm/read/unavailable': 1, 'crm/read/ok': 1 });
    const durations = await metrics.sourceDuration.get();
    const count = durations.values.find((v) => v.metricName === 'gateway_source_call_duration_seconds_count');
    expect(count?.value).toBe(2);
    expect(client.healthSnapshot()).toMatchObject({ status: 'DEGRADED', circuit: 'CLOSED', lastError: 'UNAVAILABLE HTTP 503' });
    expect(client.healthSnapshot().recentLatencyMs).toEqual(expect.any(Number));
  });
});
