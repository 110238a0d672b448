import net from 'node:net';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freeLoopbackPort, startEmbeddedFerretdb } from '../../src/store/embedded-ferretdb';
import { testMongoUri, uniqueDbName } from '../harness/store';
import { spawnGateway, waitForStatus, type GatewayProcess } from '../harness/gateway-process';

/** Sends a raw HTTP request in two parts, so that it is in flight between them. */
function startSlowRequest(port: number, body: string): { sendRest(): void; response: Promise<string> } {
  const socket = net.connect(port, '127.0.0.1');
  const head =
    `POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n` +
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

describe('the gateway as a process', () => {
  const running: GatewayProcess[] = [];
  afterEach(() => {
    for (const gateway of running.splice(0)) gateway.child.kill('SIGKILL');
  });
  const start = (env: Record<string, string>) => {
    const gateway = spawnGateway({ MONGODB_URI: testMongoUri(), MONGODB_DB: uniqueDbName(), ...env });
    running.push(gateway);
    return gateway;
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

    const slow = startSlowRequest(port, JSON.stringify({ query: '{ systems { name } }' }));
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
});
