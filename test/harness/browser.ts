import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { chromiumPath } from '../../scripts/install-chromium';
import { freeLoopbackPort } from '../../src/store/embedded-ferretdb';
import { MongoStore } from '../../src/store/mongo-store';
import { spawnGateway, waitForStatus, type GatewayProcess } from './gateway-process';
import { testMongoUri } from './store';

/** A real Chromium (Debian's, installed by the global setup) with a fresh profile. */
export interface TestBrowser {
  context: BrowserContext;
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

export async function openBrowser(): Promise<TestBrowser> {
  const profile = mkdtempSync(path.join(os.tmpdir(), 'gateway-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu'],
    viewport: { width: 1280, height: 900 },
    locale: 'en-GB',
  });
  return {
    context,
    newPage: () => context.newPage(),
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** The embedded demo as `npm start` runs it (simulators, demo data, demo sign-in), on the test store. */
export interface DemoGateway {
  url: string;
  /** The database the demo writes to, on the test store (dropped by `stop`). */
  dbName: string;
  dataDir: string;
  process: GatewayProcess;
  stop(): Promise<void>;
}

export async function startDemoGateway(env: Record<string, string> = {}): Promise<DemoGateway> {
  const port = await freeLoopbackPort();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'gateway-demo-'));
  const dbName = `browser_${port}_${Date.now()}`;
  const gateway = spawnGateway({
    PORT: String(port),
    DATA_DIR: dataDir,
    MONGODB_URI: testMongoUri(),
    MONGODB_DB: dbName,
    POPULATION: '60',
    ...env,
  });
  const url = `http://localhost:${port}`;
  const status = await waitForStatus(`${url}/readyz`, (code) => code === 200, 90_000);
  if (status !== 200) {
    gateway.child.kill('SIGKILL');
    throw new Error(`The demo gateway did not get ready (last /readyz ${status}):\n${gateway.output().stderr.slice(-2000)}`);
  }
  return {
    url,
    dbName,
    dataDir,
    process: gateway,
    stop: async () => {
      gateway.child.kill('SIGTERM');
      await gateway.exited;
      rmSync(dataDir, { recursive: true, force: true });
      const store = new MongoStore({ uri: testMongoUri(), dbName });
      await store.db.dropDatabase().catch(() => undefined);
      await store.close();
    },
  };
}

/** Signs in to the console at the demo's own OpenID provider as one of its people (by name). */
export async function signInToConsole(page: Page, gatewayUrl: string, person: string): Promise<void> {
  await page.goto(`${gatewayUrl}/console/`);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: new RegExp(person) }).click();
  await page.getByTestId('signed-in-as').waitFor();
}

/** Sends a GraphQL request to the demo with one of its API keys (`<DATA_DIR>/demo-credentials.json`). */
export async function demoGraphql<Data>(demo: DemoGateway, key: string, query: string, variables: Record<string, unknown> = {}): Promise<Data> {
  const response = await fetch(`${demo.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: Data; errors?: { message: string }[] };
  if (!body.data) throw new Error(`GraphQL failed: ${body.errors?.map((error) => error.message).join('; ')}`);
  return body.data;
}

/** Saves a full-page screenshot as `docs/<name>.png` for README when UPDATE_SCREENSHOTS is set (`npm run screenshots`). */
export async function saveScreenshot(page: Page, name: string): Promise<void> {
  if (!process.env.UPDATE_SCREENSHOTS) return;
  await page.screenshot({ path: path.join(__dirname, '..', '..', 'docs', `${name}.png`), fullPage: true });
}
