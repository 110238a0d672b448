import type { Page } from 'playwright-core';
import { collectionNames } from '../../src/store/collections';
import { MongoStore } from '../../src/store/mongo-store';
import { demoCredential } from '../harness/gateway-process';
import { until } from '../harness/eventually-async';
import { demoGraphql, openBrowser, saveScreenshot, signInToConsole, startDemoGateway, type DemoGateway, type TestBrowser } from '../harness/browser';
import { testMongoUri } from '../harness/store';

jest.setTimeout(180_000);

describe('the systems map at /console/systems, in Chromium', () => {
  let demo: DemoGateway;
  let browser: TestBrowser;
  let page: Page;

  beforeAll(async () => {
    // Samples every second, so that the last hour's chart has points within the test.
    [demo, browser] = await Promise.all([startDemoGateway({ PROPAGATION_SAMPLE_MS: '1000' }), openBrowser()]);
    page = await browser.newPage();
    await signInToConsole(page, demo.url, 'Alex Agent');
  });
  afterAll(async () => {
    await browser?.close();
    await demo?.stop();
  });

  /** Reloads the map until `ready` holds for it (the scan and the samples are periodic). */
  const reloadUntil = (ready: () => Promise<boolean>) =>
    until(
      async () => {
        await page.goto(`${demo.url}/console/systems`);
        await page.getByTestId('systems-table').waitFor();
        return ready();
      },
      (done) => done,
      60_000,
      1000,
    );

  it('shows every connected system, which fields each provides and holds, how often they disagree, and the last hour as charts', async () => {
    await page.getByRole('link', { name: 'Systems' }).click();
    await page.getByTestId('systems-table').waitFor();
    for (const system of ['salesforce', 'mailchimp', 'identity']) {
      await expect(page.getByTestId(`system-${system}`).textContent()).resolves.toContain(system);
    }
    expect(await reloadUntil(async () => (await page.getByTestId('field-matrix').count()) > 0)).toBe(true);
    await expect(page.getByTestId('field-matrix').textContent()).resolves.toMatch(/holds \d+\s*wins \d+/);
    await expect(page.getByTestId('conflict-rate-phones').textContent()).resolves.toMatch(/\d+%/);
    expect(await reloadUntil(async () => (await page.getByTestId('propagation-charts').locator('canvas').count()) >= 2)).toBe(true);
  });

  it('marks a source that was made to fail in red, with its error, without reading a number', async () => {
    const admin = demoCredential(demo.dataDir, 'admin');
    const { systems } = await demoGraphql<{ systems: { name: string; baseUrl: string }[] }>(demo, admin, '{ systems { name baseUrl } }');
    const crm = systems.find((system) => system.name === 'salesforce')!;
    const setFaults = (faults: object) => fetch(`${crm.baseUrl}/__admin/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(faults) });
    const store = new MongoStore({ uri: testMongoUri(), dbName: demo.dbName });
    const ids = (await store.collection(collectionNames.identityCustomers).find({}, { projection: { _id: 1 }, limit: 20 }).toArray()).map((doc) => String(doc._id));
    await store.close();
    await setFaults({ errorRate: 1 });
    try {
      // Requests that need the CRM find it failing.
      for (const id of ids) await demoGraphql(demo, admin, 'query($id: ID!) { customer(by: { id: $id }) { crm { tier } } }', { id }).catch(() => undefined);
      await page.goto(`${demo.url}/console/systems`);
      const row = page.getByTestId('system-salesforce');
      await row.waitFor();
      expect(await row.locator('td.bad').count()).toBeGreaterThanOrEqual(1);
      await expect(row.textContent()).resolves.toMatch(/503/);
      expect(await page.getByTestId('system-mailchimp').locator('td.bad').count()).toBe(0);
      await saveScreenshot(page, 'systems-map');
    } finally {
      await setFaults({});
    }
  });
});
