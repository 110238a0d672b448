import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { createAdapters } from '../../src/adapters/create-adapters';
import { loadSystemsConfig } from '../../src/adapters/systems-config';

/** `npm run simulators` (simulators/cli.ts) as a user runs it: three JSON lines, then serving until SIGTERM. */

const root = path.resolve(__dirname, '../..');

function runCli(env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'simulators/cli.ts'], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function exitCode(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

test('prints one JSON line per simulator once they listen, each a SYSTEMS entry, serves them, and stops on SIGTERM', async () => {
  const child = runCli({ POPULATION: '60', SEED: '4', SIMULATOR_PORTS: '0,0,0' });
  const exited = exitCode(child);
  try {
    const lines: string[] = [];
    const reader = createInterface({ input: child.stdout! });
    for await (const line of reader) {
      lines.push(line);
      if (lines.length === 3) break;
    }
    const descriptors = lines.map((line) => JSON.parse(line) as { name: string; dialect: string; baseUrl: string; credentials: Record<string, string> });
    // The lines, as a JSON array, are a SYSTEMS value the gateway accepts as it is.
    const systems = loadSystemsConfig({ SYSTEMS: `[${lines.join(',')}]` })!;
    expect(systems.map((system) => system.name)).toEqual(['salesforce', 'mailchimp', 'identity']);
    expect(systems[2]!.options).toEqual({ crossReferenceSystem: 'salesforce' });
    await Promise.all(createAdapters(systems).map((adapter) => adapter.close()));
    expect(descriptors.map((d) => [d.name, d.dialect])).toEqual([
      ['salesforce', 'salesforce'],
      ['mailchimp', 'mailchimp'],
      ['identity', 'scim'],
    ]);
    const [salesforce, mailchimp, identity] = descriptors;
    expect(salesforce!.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(Object.keys(salesforce!.credentials)).toEqual(['clientId', 'clientSecret']);
    expect(mailchimp!.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/3\.0$/);
    expect(mailchimp!.credentials.apiKey).toMatch(/-us1$/);
    expect(identity!.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/scim\/v2$/);

    const ping = await fetch(`${mailchimp!.baseUrl}/ping`, {
      headers: { authorization: `Basic ${Buffer.from(`u:${mailchimp!.credentials.apiKey}`).toString('base64')}` },
    });
    expect(ping.status).toBe(200);
    const users = await fetch(`${identity!.baseUrl}/Users?count=1`, {
      headers: { authorization: `Bearer ${identity!.credentials.bearerToken}` },
    });
    expect(((await users.json()) as { totalResults: number }).totalResults).toBeGreaterThan(0);
  } finally {
    child.kill('SIGTERM');
  }
  expect(await exited).toBe(0);
});

test.each([
  ['SIMULATOR_PORTS', { SIMULATOR_PORTS: '4101,4102' }],
  ['POPULATION', { POPULATION: 'lots' }],
  ['SEED', { SEED: '1.5' }],
])('a bad %s exits 2 with one line naming it', async (variable, env) => {
  const child = runCli(env);
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  expect(await exitCode(child)).toBe(2);
  expect(stderr.trim().split('\n')).toHaveLength(1);
  expect(stderr).toContain(variable);
});
