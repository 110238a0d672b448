import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { projectRoot } from '../harness/gateway-process';
import { startTestGateway, type RunningGateway } from '../harness/gateway';
import { openTestStore, testMongoUri } from '../harness/store';
import { keyIdOf, keySecretOf } from '../harness/api-key-parts';

const run = promisify(execFile);

describe('npm run keys: an admin creates, lists and revokes API keys', () => {
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
  const keys = (...args: string[]) =>
    run('npx', ['tsx', 'scripts/keys.ts', ...args], { cwd: projectRoot, env: { ...process.env, MONGODB_URI: testMongoUri(), MONGODB_DB: store.db.databaseName } });
  const ask = (key: string) =>
    // The offer engine's own question (`systems` is not the offer engine's to read).
    gateway.graphqlAs({ credential: key }, '{ consentVocabulary { channels } }').then((body) => (body.errors ? body.errors[0]!.extensions!.code : 'ok'));

  it('prints a new key once, on stdout, lists it without its secret, and a revoked key stops working', async () => {
    const created = await keys('create', '--role', 'offer-engine', '--name', 'offers service');
    const key = created.stdout.trim();
    expect(key).toMatch(/^cpgk_[a-z0-9]{16}_[A-Za-z0-9_-]{43}$/);
    expect(created.stderr).toContain('shown once');
    expect(await ask(key)).toBe('ok');

    const id = keyIdOf(key);
    const listed = await keys('list');
    expect(listed.stdout).toMatch(new RegExp(`^${id}  offer-engine\\s+"offers service"  active`, 'm'));
    expect(listed.stdout).not.toContain(keySecretOf(key));

    expect((await keys('revoke', id)).stdout).toMatch(new RegExp(`^revoked ${id} `));
    const stale = await new Promise((resolve) => setTimeout(resolve, 10_500)).then(() => ask(key)); // other processes' caches: 10 s
    expect(stale).toBe('UNAUTHENTICATED');
  }, 90_000);

  it('refuses a role that does not exist, naming the roles, and exits 1', async () => {
    const failed = await keys('create', '--role', 'superuser', '--name', 'x').catch((error: { code: number; stderr: string }) => error);
    expect(failed).toMatchObject({ code: 1, stderr: expect.stringContaining('role: one of support-agent, internal-app, offer-engine') });
  }, 60_000);
});
