import net from 'node:net';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freeLoopbackPort, startEmbeddedFerretdb } from '../../src/store/embedded-ferretdb';
import { testMongoUri, uniqueDbName } from '../harness/store';
import { startTestScim, testPopulation } from '../harness/simulators';
import { generatePopulation } from '../../simulators/population/generate-population';
import {
  eventually,
  spawnGateway,
  spawnNpmScript,
  waitForStatus,
  createApiKey,
  demoCredential,
  type GatewayProcess,
  type NpmScriptProcess,
} from '../harness/gateway-process';
import { keySecretOf } from '../harness/api-key-parts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The process's exit code (or signal), or a note that it is still running after `ms`. */
const exitOf = (process: GatewayProcess, ms = 20_000) =>
  Promise.race([process.exited, sleep(ms).then(() => `still running after ${ms} ms`)]);

/** Resolves 'refused' once nothing listens on the URL's port any more, 'accepted' while something does. */
const reachable = (url: string) => fetch(url).then(() => 'accepted', () => 'refused');

/** A process's output lines, less npm's banner (`> name@version start`, `> command`) and blank lines. */
function outputLines({ stdout, stderr }: { stdout: string; stderr: string }): string[] {
  return `${stdout}\n${stderr}`.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('> '));
}

/** The lines that are not JSON objects. */
function nonJsonLines(lines: string[]): string[] {
  return lines.filter((line) => {
    try {
      return typeof JSON.parse(line) !== 'object';
    } catch {
      return true;
    }
  });
}

/** Sends a raw HTTP request in two parts, so that it is in flight between them. */
function startSlowRequest(port: number, body: string, key: string): { sendRest(): void; response: Promise<string> } {
  const socket = net.connect(port, '127.0.0.1');
  const head =
    `POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nAuthorization: Bearer ${key}\r\n` +
    `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n`;
  const split = Math.floor(body.length / 2);
  socket.write(head + body.slice(0, split));
  const response = new Promise<string>((resolve, reject) => {
    let received = '';
    socket.on('data', (chunk) => (received += chunk.toString()));
    socket.on('end', () => resolve(received));
    socket.on('error', reject);
  });
  return { sendRest: () => socket.write(body.slice(split)), response };
}

// Each test waits for a spawned gateway to be ready, which can take a while on a loaded machine (waitForStatus).
jest.setTimeout(180_000);

describe('the gateway as a process', () => {
  const running: GatewayProcess[] = [];
  afterEach(() => {
    for (const gateway of running.splice(0)) gateway.child.kill('SIGKILL');
  });
  const start = (env: Record<string, string>) => {
    const dbName = uniqueDbName();
    const gateway = spawnGateway({ MONGODB_URI: testMongoUri(), MONGODB_DB: dbName, ...env });
    running.push(gateway);
    return Object.assign(gateway, { adminKey: () => createApiKey(testMongoUri(), dbName) });
  };

  it.each([
    ['PORT', 'abc', /^Invalid configuration: PORT="abc" is not valid; expected a TCP port number/],
    ['PORT', '70000', /^Invalid configuration: PORT="70000" is not valid; expected a port from 0 to 65535/],
    ['LOG_LEVEL', 'loud', /^Invalid configuration: LOG_LEVEL="loud" is not valid; expected one of fatal/],
    ['MONGODB_URI', 'http://user:secret@x', /^Invalid configuration: MONGODB_URI=\(value hidden\) is not valid/],
  ])('exits 2 with one line naming %s when it is %j', async (name, value, line) => {
    const gateway = start({ [name]: value });
    expect(await gateway.exited).toBe(2);
    const { stderr } = gateway.output();
    expect(stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(line);
    expect(stderr).not.toContain('secret');
  });

  it('refuses a second start on a port the first holds, with one clear line', async () => {
    const port = await freeLoopbackPort();
    const first = start({ PORT: String(port) });
    expect(await waitForStatus(`http://127.0.0.1:${port}/readyz`, (s) => s === 200)).toBe(200);
    const second = start({ PORT: String(port) });
    expect(await second.exited).toBe(1);
    expect(second.output().stderr.trim()).toBe(
      `Cannot start: port ${port} on 127.0.0.1 is already in use (is another gateway running?); set PORT to a free port.`,
    );
    expect(first.child.exitCode).toBeNull();
  });

  it('lets an in-flight request finish on SIGTERM, then exits 0', async () => {
    const port = await freeLoopbackPort();
    const gateway = start({ PORT: String(port) });
    expect(await waitForStatus(`http://127.0.0.1:${port}/readyz`, (s) => s === 200)).toBe(200);

    const slow = startSlowRequest(port, JSON.stringify({ query: '{ systems { name } }' }), await gateway.adminKey());
    await new Promise((resolve) => setTimeout(resolve, 200));
    gateway.child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(gateway.child.exitCode).toBeNull(); // still finishing our request
    expect(await fetch(`http://127.0.0.1:${port}/healthz`).then(() => 'accepted', () => 'refused')).toBe('refused');

    slow.sendRest();
    const response = await slow.response;
    expect(response).toMatch(/^HTTP\/1\.1 200/);
    expect(response).toContain('{"data":{"systems":[{"name":"salesforce"},{"name":"mailchimp"},{"name":"identity"}]}}');
    expect(await gateway.exited).toBe(0);
  });

  it('says ready only once the store answers', async () => {
    const storePort = await freeLoopbackPort();
    const port = await freeLoopbackPort();
    const gateway = start({ PORT: String(port), MONGODB_URI: `mongodb://127.0.0.1:${storePort}/` });
    expect(await waitForStatus(`http://127.0.0.1:${port}/healthz`, (s) => s === 200)).toBe(200);
    const notReady = await fetch(`http://127.0.0.1:${port}/readyz`);
    expect(notReady.status).toBe(503);
    expect(await notReady.json()).toMatchObject({ status: 'not ready', checks: { store: false } });

    const store = await startEmbeddedFerretdb({
      dataDir: mkdtempSync(path.join(os.tmpdir(), 'gateway-late-store-')),
      port: storePort,
    });
    try {
      expect(await waitForStatus(`http://127.0.0.1:${port}/readyz`, (s) => s === 200)).toBe(200);
    } finally {
      gateway.child.kill('SIGKILL');
      await store.stop();
    }
  });
  it('closes the store only once requests cut off by SHUTDOWN_TIMEOUT_MS have settled, logging no error', async () => {
    // A slow identity system keeps a customer lookup running long past the shutdown timeout;
    // after the lookup the request writes the links it found to the store.
    const identity = await startTestScim({ faults: { latencyMs: 1500 } });
    try {
      const email = testPopulation().scimUsers[0]!.emails[0]!.value;
      const { baseUrl, credentials } = identity.descriptor;
      const port = await freeLoopbackPort();
      const gateway = start({
        PORT: String(port),
        SHUTDOWN_TIMEOUT_MS: '200',
        SYSTEMS: JSON.stringify([{ name: 'identity', dialect: 'scim', baseUrl, credentials }]),
      });
      expect(await waitForStatus(`http://127.0.0.1:${port}/readyz`, (s) => s === 200)).toBe(200);

      const key = await gateway.adminKey();
      const answer = fetch(`http://127.0.0.1:${port}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body: JSON.stringify({ query: 'query($email: String!) { customer(by: { email: $email }) { id } }', variables: { email } }),
      }).then((response) => response.status, () => 'cut');
      await sleep(300);
      gateway.child.kill('SIGTERM');
      expect(await answer).toBe('cut'); // 200 ms after SIGTERM its connection was cut
      expect(await exitOf(gateway)).toBe(0);

      const lines = outputLines(gateway.output());
      expect(lines.filter((line) => /"level":(50|60)/.test(line))).toEqual([]); // e.g. MongoClientClosedError
      expect(nonJsonLines(lines)).toEqual([]);
      expect(lines.join('\n')).toContain('shutdown cut the connections of requests still running');
    } finally {
      await identity.stop();
    }
  });
});

describe('`npm start` and `npm run simulators` as a process manager runs them (signals to the pid of npm)', () => {
  const running: NpmScriptProcess[] = [];
  const dataDirs: string[] = [];
  afterEach(() => {
    for (const npm of running.splice(0)) npm.killGroup('SIGKILL');
    for (const dir of dataDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  const npmRun = (script: string, env: Record<string, string>) => {
    const npm = spawnNpmScript(script, env);
    running.push(npm);
    return npm;
  };

  it.each(['SIGTERM', 'SIGINT'] as const)(
    '%s to `npm start` lets an in-flight request finish, stops the gateway with its embedded store and simulators, and npm exits 0',
    async (signal) => {
      const port = await freeLoopbackPort();
      const dataDir = mkdtempSync(path.join(os.tmpdir(), 'gateway-npm-start-'));
      dataDirs.push(dataDir);
      // No MONGODB_URI and no SYSTEMS: the embedded FerretDB and simulators, as a newcomer runs it.
      const npm = npmRun('start', { PORT: String(port), DATA_DIR: dataDir, LOG_LEVEL: 'info' });
      expect(await waitForStatus(`http://127.0.0.1:${port}/readyz`, (s) => s === 200, 60_000)).toBe(200);

      const slow = startSlowRequest(port, JSON.stringify({ query: '{ systems { name } }' }), demoCredential(dataDir));
      await sleep(200);
      npm.child.kill(signal);
      await sleep(500);
      slow.sendRest();
      expect(await slow.response).toMatch(/^HTTP\/1\.1 200/);

      expect(await exitOf(npm)).toBe(0);
      expect(await eventually(() => !npm.groupAlive())).toBe(true); // node, FerretDB: nothing left
      // The demo's credentials: one per role in a file only its owner reads; the output names the file, never a key.
      const file = path.join(dataDir, 'demo-credentials.json');
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const credentials = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
      expect(Object.keys(credentials).sort()).toEqual(['admin', 'compliance-officer', 'customer', 'data-steward', 'internal-app', 'offer-engine', 'support-agent']);
      const output = npm.output();
      for (const credential of Object.values(credentials)) expect(`${output.stdout}${output.stderr}`).not.toContain(credential);
      expect(`${output.stdout}${output.stderr}`).toContain(file);
      expect(await reachable(`http://127.0.0.1:${port}/healthz`)).toBe('refused');
    },
  );

  it('in the embedded demo, says ready only once its people are searchable, merged and their consents imported', async () => {
    const port = await freeLoopbackPort();
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'gateway-demo-ready-'));
    dataDirs.push(dataDir);
    const npm = npmRun('start', { PORT: String(port), DATA_DIR: dataDir, POPULATION: '50', SEED: '1' });
    expect(await waitForStatus(`http://127.0.0.1:${port}/readyz`, (s) => s === 200, 60_000)).toBe(200);

    // The first answers after ready, as a support agent would ask them.
    const person = generatePopulation({ size: 50, seed: 1 }).people.find((candidate) => candidate.records.length === 3)!;
    const ask = async (query: string, variables: Record<string, unknown>) => {
      const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${demoCredential(dataDir, 'support-agent')}` },
        body: JSON.stringify({ query, variables }),
      });
      return ((await response.json()) as { data: Record<string, unknown> }).data;
    };
    const found = await ask('query($q: String!) { searchCustomers(query: $q, first: 5) { edges { node { id sourceRecords { system } } } } }', { q: person.emails[0] });
    const [hit] = (found.searchCustomers as { edges: { node: { id: string; sourceRecords: unknown[] } }[] }).edges;
    expect(hit!.node.sourceRecords).toHaveLength(3); // searchable, and merged across the three systems
    const history = await ask('query($id: ID!) { consentHistory(customerId: $id, first: 50) { edges { node { method } } } }', { id: hit!.node.id });
    expect((history.consentHistory as { edges: { node: { method: string } }[] }).edges.map((edge) => edge.node.method)).toContain('IMPORT');
    npm.child.kill('SIGTERM');
    expect(await exitOf(npm)).toBe(0);
  });

  it('SIGTERM to `npm run simulators` stops them: npm exits 0, their ports are free, nothing is left running', async () => {
    const npm = npmRun('simulators', { POPULATION: '20' });
    const descriptors = () => npm.output().stdout.split('\n').filter((line) => line.startsWith('{'));
    expect(await eventually(() => descriptors().length === 3, 30_000)).toBe(true);
    const baseUrls = descriptors().map((line) => (JSON.parse(line) as { baseUrl: string }).baseUrl);
    expect(await reachable(baseUrls[0]!)).toBe('accepted');

    npm.child.kill('SIGTERM');
    expect(await exitOf(npm)).toBe(0);
    expect(await eventually(() => !npm.groupAlive())).toBe(true);
    for (const baseUrl of baseUrls) expect(await reachable(baseUrl)).toBe('refused');
  });

  it('keeps request data out of its output, which is JSON log lines only, each request logged with its real path', async () => {
    const canary = { email: 'canary.leak.7391@leak-check.example', phone: '+44 7700 900461', token: 'canary-token-5528' };
    const port = await freeLoopbackPort();
    const dbName = uniqueDbName();
    const npm = npmRun('start', { PORT: String(port), MONGODB_URI: testMongoUri(), MONGODB_DB: dbName, LOG_LEVEL: 'debug' });
    expect(await waitForStatus(`http://127.0.0.1:${port}/readyz`, (s) => s === 200, 60_000)).toBe(200);
    const key = await createApiKey(testMongoUri(), dbName);
    const leaks = [canary.email, 'canary.leak.7391', '7700 900461', '7700900461', canary.token, 'canary-cookie-9915', 'Canary Agent', key, keySecretOf(key)];

    const url = `http://127.0.0.1:${port}`;
    const headers = {
      'content-type': 'application/json',
      authorization: `Bearer ${key}`,
      'x-api-token': canary.token,
      cookie: 'session=canary-cookie-9915',
      'x-customer-email': canary.email,
      'user-agent': 'Canary Agent',
      'x-request-id': canary.email,
    };
    const query = 'query($email: String!, $phone: String!) { a: customer(by: { email: $email }) { id } b: customer(by: { phone: $phone }) { id } }';
    const post = (body: string | Buffer, extra: Record<string, string> = {}) =>
      fetch(`${url}/graphql`, { method: 'POST', headers: { ...headers, ...extra }, body });
    const answers = [
      // Invalid JSON, over two lines, quoting the canaries.
      await post(`{"query": "{ customer(by: {email: \\"${canary.email}\\"}) { id } }",\n "variables": {"phone": "${canary.phone}"`),
      // 5 MB, over the limit.
      await post(JSON.stringify({ query, variables: { email: canary.email, phone: canary.phone, pad: 'x'.repeat(5_000_000) } })),
      // An unsupported charset and an unknown content encoding.
      await post(JSON.stringify({ query, variables: canary }), { 'content-type': 'application/json; charset=latin9' }),
      await post(JSON.stringify({ query, variables: canary }), { 'content-encoding': 'canary' }),
      // Valid requests: variables, the query text itself, a GET with them in the query string.
      await post(JSON.stringify({ query, variables: canary })),
      await post(JSON.stringify({ query: `{ customer(by: { email: "${canary.email}" }) { id } }` })),
      await fetch(`${url}/graphql?query=${encodeURIComponent(query)}&variables=${encodeURIComponent(JSON.stringify(canary))}`, { headers }),
      // A path the gateway does not serve, with the canaries in its query string.
      await fetch(`${url}/customers?email=${encodeURIComponent(canary.email)}`, { headers }),
      // A credential that is not valid.
      await post(JSON.stringify({ query, variables: canary }), { authorization: `Bearer ${canary.token}` }),
    ];
    const bodies = await Promise.all(answers.map((answer) => answer.text()));
    expect(answers.map((answer) => answer.status)).toEqual([400, 413, 415, 415, 200, 200, 200, 404, 401]);
    for (const body of bodies) expect(JSON.parse(body)).toHaveProperty(body.includes('"errors"') ? 'errors' : 'data');

    npm.child.kill('SIGTERM');
    expect(await exitOf(npm)).toBe(0);
    const output = npm.output();
    const everything = `${output.stdout}\n${output.stderr}`;
    for (const leak of leaks) expect(everything).not.toContain(leak);
    const lines = outputLines(output);
    expect(nonJsonLines(lines)).toEqual([]);
    const paths = lines.map((line) => JSON.parse(line) as { msg?: string; path?: string }).filter((line) => line.msg === 'request');
    expect(new Set(paths.map((line) => line.path))).toEqual(new Set(['/readyz', '/graphql', '/customers', '/webhooks/mailchimp/<secret>'])); // Mailchimp's registration check, its URL secret masked
  });
});
