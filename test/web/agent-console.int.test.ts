import type { Page, Request } from 'playwright-core';
import { collectionNames } from '../../src/store/collections';
import { MongoStore } from '../../src/store/mongo-store';
import { demoCredential } from '../harness/gateway-process';
import { until } from '../harness/eventually-async';
import { demoGraphql, openBrowser, saveScreenshot, signInToConsole, startDemoGateway, type DemoGateway, type TestBrowser } from '../harness/browser';
import { testMongoUri } from '../harness/store';

jest.setTimeout(180_000);

interface DemoCustomer {
  id: string;
  emails: string[];
  conflicts: { field: string; winner: { system: string } | null }[];
}

/** A demo customer whose linked records disagree on a field with a winner, found as an admin would. */
async function customerWithConflict(demo: DemoGateway): Promise<DemoCustomer> {
  const store = new MongoStore({ uri: testMongoUri(), dbName: demo.dbName });
  const ids = (await store.collection(collectionNames.identityCustomers).find({}, { projection: { _id: 1 } }).toArray()).map((doc) => String(doc._id));
  await store.close();
  const { customers } = await demoGraphql<{ customers: (DemoCustomer | null)[] }>(
    demo,
    demoCredential(demo.dataDir, 'admin'),
    'query($ids: [ID!]!) { customers(ids: $ids) { id emails conflicts { field winner { system } } } }',
    { ids },
  );
  const found = customers.find((customer) => customer && customer.emails.length > 0 && customer.conflicts.some((conflict) => conflict.winner));
  if (!found) throw new Error('The demo population has no customer with a conflict that has a winner.');
  return found;
}

describe('the agent console at /console, in Chromium', () => {
  let demo: DemoGateway;
  let browser: TestBrowser;
  let page: Page;
  let customer: DemoCustomer;
  let beforeTheChange: Date;

  beforeAll(async () => {
    [demo, browser] = await Promise.all([startDemoGateway(), openBrowser()]);
    page = await browser.newPage();
  });
  afterAll(async () => {
    await browser?.close();
    await demo?.stop();
  });

  it('signs an agent in at the identity provider (authorization code with PKCE) and shows the roles the gateway read from the token', async () => {
    await signInToConsole(page, demo.url, 'Alex Agent');
    await expect(page.getByTestId('signed-in-as').textContent()).resolves.toContain('support-agent');
  });

  it('finds a customer by email, says why it matched, and opens the 360 view with provenance and a conflict', async () => {
    customer = await customerWithConflict(demo);
    const operations: string[] = [];
    const count = (request: Request) => request.url().endsWith('/graphql') && operations.push(String((request.postDataJSON() as { operationName?: string }).operationName));
    page.on('request', count);
    await page.getByLabel(/Name, email, phone/).fill(customer.emails[0]!.toUpperCase());
    await page.getByRole('button', { name: 'Search' }).click();
    const result = page.locator('table.results tbody tr').first();
    await expect(result.textContent()).resolves.toContain('email');
    await result.getByRole('link').click();
    await page.getByTestId('customer-360').waitFor();
    page.off('request', count);
    // Search to the whole 360 view: one round trip each, nothing more.
    expect(operations).toEqual(['ConsoleSearch', 'ConsoleCustomer']);

    // Provenance: the email's source, record, time and rule are one click away.
    const emails = page.locator('tr', { has: page.getByRole('rowheader', { name: 'Emails' }) });
    await emails.locator('summary').click();
    await expect(emails.locator('.provenance li').first().textContent()).resolves.toMatch(/record .+ updated .+ chosen by rule/);

    // The conflict: every system's value side by side, the winner marked, and why.
    const conflict = customer.conflicts.find((entry) => entry.winner)!;
    const shown = page.getByTestId(`conflict-${conflict.field}`);
    await expect(shown.locator('li.winner').textContent()).resolves.toContain(conflict.winner!.system);
    expect(await shown.locator('li').count()).toBeGreaterThanOrEqual(2);
    await expect(shown.textContent()).resolves.toMatch(/Why: .+/);
  });

  it('records a consent on the customer\'s behalf and shows it in the timeline and its delivery per system', async () => {
    await page.getByLabel('Channel', { exact: true }).selectOption('EMAIL');
    await page.getByLabel('Purpose', { exact: true }).selectOption('MARKETING');
    await page.getByLabel('refuses').check();
    await page.getByLabel('Method', { exact: true }).selectOption('CALL');
    await page.getByLabel('Text read to the customer').fill('You will no longer get marketing email from us.');
    beforeTheChange = new Date();
    await page.getByRole('button', { name: 'Record' }).click();
    await page.getByText('Recorded: EMAIL / MARKETING is now denied').waitFor();

    const newest = page.getByTestId('timeline-event').first();
    await expect(newest.textContent()).resolves.toContain('EMAIL / MARKETING');
    await expect(newest.textContent()).resolves.toContain('You will no longer get marketing email from us.');
    await expect(newest.textContent()).resolves.toMatch(/by agent user:demo-agent/);
    await expect(page.getByTestId('consent-EMAIL-MARKETING').textContent()).resolves.toContain('DENIED');
    // Each connected system other than the source gets a delivery row.
    expect(await newest.locator('.deliveries li').count()).toBeGreaterThanOrEqual(2);
    expect(await page.getByTestId('deliveries').locator('tbody tr').count()).toBeGreaterThanOrEqual(2);

    // The demo's workers deliver it: the page shows DELIVERED once the systems hold it.
    const deliveries = await until(
      async () => {
        await page.reload();
        await page.getByTestId('customer-360').waitFor();
        return (await page.getByTestId('deliveries').textContent()) ?? '';
      },
      (text) => text.includes('DELIVERED'),
      30_000,
      500,
    );
    expect(deliveries).toContain('DELIVERED');
    await saveScreenshot(page, 'agent-console');
  });

  it("makes a preference link the customer opens on their own page, where the agent's change shows", async () => {
    await page.getByLabel('About', { exact: true }).selectOption('MARKETING');
    await page.getByRole('button', { name: 'Make a link' }).click();
    const url = await page.getByTestId('preference-link').getAttribute('href');
    expect(url).toMatch(new RegExp(`^${demo.url}/preferences#token=`));
    const customerPage = await browser.newPage();
    try {
      await customerPage.goto(url!);
      await customerPage.getByLabel('Marketing emails').waitFor();
      expect(await customerPage.getByLabel('Marketing emails').isChecked()).toBe(false); // the agent recorded a refusal
      expect(customerPage.url()).toBe(`${demo.url}/preferences`); // the token left the address bar
    } finally {
      await customerPage.close();
    }
  });

  it('serves the pages under a strict Content Security Policy, with no inline script', async () => {
    const response = await fetch(`${demo.url}/console/`);
    const policy = response.headers.get('content-security-policy') ?? '';
    expect(policy).toContain("script-src 'self'");
    expect(policy).toContain("style-src 'self'");
    expect(policy).toContain("frame-ancestors 'none'");
    expect(policy).not.toContain('unsafe-inline');
    const html = await response.text();
    expect(html).toMatch(/<script type="module" crossorigin src="\/assets\//);
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/); // every script is a file
    expect(html).not.toMatch(/https?:\/\//); // nothing from elsewhere
  });

  it('marks what a role may not see as withheld, and shows the consents as of a past date to a compliance officer', async () => {
    const other = await openBrowser(); // a second person, with a browser of their own
    try {
      const officer = await other.newPage();
      await signInToConsole(officer, demo.url, 'Casey Compliance');
      await officer.getByLabel('Reason for access').fill('audit 2026-12');
      await officer.goto(`${demo.url}/console/?customer=${encodeURIComponent(customer.id)}`);
      await officer.getByTestId('customer-360').waitFor();
      await expect(officer.getByRole('heading', { level: 1 }).textContent()).resolves.toContain('withheld for your role');
      await expect(officer.getByTestId('consent-EMAIL-MARKETING').textContent()).resolves.toContain('DENIED');

      const localMinute = new Date(beforeTheChange.getTime() - beforeTheChange.getTimezoneOffset() * 60_000 - 60_000).toISOString().slice(0, 16);
      await officer.getByLabel('Show as of').fill(localMinute);
      await officer.locator('#consent-title .badge').waitFor();
      await expect(officer.getByTestId('consent-EMAIL-MARKETING').textContent()).resolves.not.toContain('agent-console');
    } finally {
      await other.close();
    }
  });

  it('lets a steward unlink a record (with a reason) and link it back, and shows who linked what', async () => {
    const other = await openBrowser();
    try {
      const steward = await other.newPage();
      await signInToConsole(steward, demo.url, 'Sam Steward');
      await steward.getByLabel('Reason for access').fill('data quality review');
      await steward.goto(`${demo.url}/console/?customer=${encodeURIComponent(customer.id)}`);
      await steward.getByTestId('customer-360').waitFor();
      const records = steward.locator('#identity-title ~ table tbody tr');
      const linked = await records.count();
      expect(linked).toBeGreaterThanOrEqual(2);
      const [system, recordId] = [await records.nth(1).locator('td').nth(0).textContent(), await records.nth(1).locator('td').nth(1).textContent()];

      await steward.getByLabel('Reason for the change').fill('two people share this phone');
      await records.nth(1).getByRole('button', { name: 'Unlink' }).click();
      await steward.getByText(/Unlinked: the record is now customer /).waitFor();
      expect(await records.count()).toBe(linked - 1);

      await steward.getByLabel('Link another record (system:recordId)').fill(`${system}:${recordId}`);
      await steward.getByLabel('Reason for the change').fill('checked: the same person after all');
      await steward.getByRole('button', { name: 'Link', exact: true }).click();
      await steward.getByText('Linked.').waitFor();
      await steward.getByTestId('customer-360').waitFor();
      const relinked = steward.locator('#identity-title ~ table tbody tr', { hasText: recordId! });
      await expect(relinked.textContent()).resolves.toMatch(/by user:demo-steward/);
    } finally {
      await other.close();
    }
  });

  it('shows a source that fails as failed, never as empty', async () => {
    const admin = demoCredential(demo.dataDir, 'admin');
    const { systems } = await demoGraphql<{ systems: { name: string; baseUrl: string }[] }>(demo, admin, '{ systems { name baseUrl } }');
    const crm = systems.find((system) => system.name === 'salesforce')!;
    const setFaults = (faults: object) => fetch(`${crm.baseUrl}/__admin/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(faults) });
    await setFaults({ errorRate: 1 });
    try {
      await page.reload();
      await page.getByTestId('customer-360').waitFor();
      await expect(page.locator('.sources').textContent()).resolves.toMatch(/salesforce: error/);
      await expect(page.getByTestId('view-crm').textContent()).resolves.toMatch(/failed: .*salesforce/i);
    } finally {
      await setFaults({});
    }
  });
});
