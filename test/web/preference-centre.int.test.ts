import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { PreferenceLinks } from '../../src/access/preference-link';
import { DoubleOptInTokens } from '../../src/consent/double-opt-in-token';
import { MongoStore } from '../../src/store/mongo-store';
import { demoCredential } from '../harness/gateway-process';
import { demoGraphql, openBrowser, saveScreenshot, startDemoGateway, type DemoGateway, type TestBrowser } from '../harness/browser';
import { testMongoUri } from '../harness/store';

jest.setTimeout(180_000);

const NOTICE_VERSION = 'preference-centre/2026-12';

interface HistoryEvent {
  id: string;
  kind: 'CONSENT' | 'PREFERENCE';
  method: string;
  consent: { channel: string; purpose: string; contactPoint: string | null; to: string } | null;
  preferences: { to: { topics: string[] | null; frequency: string | null } } | null;
  source: { system: string; recordId: string };
  actor: { kind: string; id: string };
  evidence: { noticeVersion: string | null; textShown: string | null; locale: string | null; ip: string | null; userAgent: string | null } | null;
}

const HISTORY = `query($id: ID!) {
  consentHistory(customerId: $id, first: 200) {
    edges { node {
      id kind method
      consent { channel purpose contactPoint to }
      preferences { to { topics frequency } }
      source { system recordId }
      actor { kind id }
      evidence { noticeVersion textShown locale ip userAgent }
    } }
  }
}`;

describe('the preference centre at /preferences, in Chromium', () => {
  let demo: DemoGateway;
  let browser: TestBrowser;
  let page: Page;
  let store: MongoStore;
  let link: string;
  let customerId: string;
  let userAgent: string;

  const admin = <T>(query: string, variables: Record<string, unknown> = {}) => demoGraphql<T>(demo, demoCredential(demo.dataDir, 'admin'), query, variables);
  /** The customer's events, newest first, as an admin reads them. */
  const history = async () =>
    (await admin<{ consentHistory: { edges: { node: HistoryEvent }[] } }>(HISTORY, { id: customerId })).consentHistory.edges.map((edge) => edge.node);
  /** The channel-wide consent held for a channel and purpose, as an admin reads it. */
  const held = async (channel: string, purpose: string) => {
    const { customer } = await admin<{ customer: { consents: { channel: string; purpose: string; contactPoint: string | null; recordedStatus: string }[] } }>(
      'query($id: ID!) { customer(by: { id: $id }) { consents { channel purpose contactPoint recordedStatus } } }',
      { id: customerId },
    );
    return customer.consents.find((consent) => consent.channel === channel && consent.purpose === purpose && consent.contactPoint === null)?.recordedStatus ?? null;
  };
  /** Opens the page as a click on a link does: a new document (never a same-document jump to a new fragment). */
  const open = async (target: Page, fragment: string) => {
    await target.goto('about:blank');
    await target.goto(`${demo.url}/preferences#${fragment}`);
    await target.getByRole('button', { name: /Save my choices|Meine Auswahl speichern/ }).waitFor();
  };
  const save = async () => page.getByRole('button', { name: 'Save my choices' }).click();
  const statusText = () => page.getByTestId('status').innerText();
  const seriousViolations = async () =>
    (await new AxeBuilder({ page }).analyze()).violations
      .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
      .map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);

  beforeAll(async () => {
    [demo, browser] = await Promise.all([startDemoGateway(), openBrowser()]);
    store = new MongoStore({ uri: testMongoUri(), dbName: demo.dbName });
    link = demoCredential(demo.dataDir, 'customer');
    customerId = (await demoGraphql<{ viewer: { customerId: string } }>(demo, link, '{ viewer { customerId } }')).viewer.customerId;
    page = await browser.newPage();
    userAgent = await page.evaluate<string>('navigator.userAgent');
  });
  afterAll(async () => {
    await store?.close();
    await browser?.close();
    await demo?.stop();
  });

  it('opens a preference link, shows the consents in plain words, takes the token out of the address bar, and changes nothing by being opened', async () => {
    const before = (await history()).length;
    const get = await fetch(`${demo.url}/preferences`); // what a link scanner does
    expect(get.status).toBe(200);
    await open(page, `token=${link}`);

    expect(page.url()).toBe(`${demo.url}/preferences`);
    await expect(page.locator('html').getAttribute('lang')).resolves.toBe('en-GB');
    await page.getByLabel('Marketing emails').waitFor();
    await page.getByLabel('Service text messages').waitFor();
    await expect(page.getByTestId('consent-EMAIL-MARKETING').innerText()).resolves.toContain('Send me news and offers by email.');
    // Plain words only: no enum names on the page.
    await expect(page.locator('main').innerText()).resolves.not.toMatch(/\b(MARKETING|EMAIL|SMS|THIRD_PARTY|WEEKLY|GRANTED|DENIED)\b/);
    expect((await history()).length).toBe(before);
  });

  it('changes a consent and a preference, confirms them in words, and records each change with its evidence as the customer', async () => {
    const smsMarketing = page.getByLabel('Marketing text messages');
    const wasOn = await smsMarketing.isChecked();
    const sentence = await page.locator('#consent-SMS-MARKETING-text').innerText();
    await smsMarketing.setChecked(!wasOn);
    await page.getByLabel('How often').selectOption('WEEKLY');
    await page.getByLabel('Product news').check();
    await save();

    await page.getByTestId('status').getByText('Saved', { exact: false }).first().waitFor();
    const status = await statusText();
    expect(status).toContain(wasOn ? 'Saved: you will no longer receive marketing text messages.' : 'Saved: you will receive marketing text messages.');
    expect(status).toContain('Saved – How often: At most once a week.');
    expect(status).toContain('Product news');
    await expect(page.getByTestId('consent-SMS-MARKETING').locator('.badge').first().innerText()).resolves.toBe(wasOn ? 'Off' : 'On');

    const events = await history();
    const consent = events.find((event) => event.consent?.channel === 'SMS' && event.consent.purpose === 'MARKETING')!;
    expect(consent).toMatchObject({
      method: 'WEB_FORM',
      consent: { to: wasOn ? 'DENIED' : 'GRANTED', contactPoint: null },
      source: { system: 'preference-centre', recordId: customerId },
      actor: { kind: 'CUSTOMER', id: customerId },
      evidence: { noticeVersion: NOTICE_VERSION, textShown: sentence, locale: 'en-GB', ip: '127.0.0.1', userAgent },
    });
    const frequency = events.find((event) => event.preferences?.to.frequency === 'WEEKLY')!;
    expect(frequency).toMatchObject({
      method: 'WEB_FORM',
      actor: { kind: 'CUSTOMER', id: customerId },
      evidence: { noticeVersion: NOTICE_VERSION, textShown: 'Do not write to me more often than this.', locale: 'en-GB', ip: '127.0.0.1', userAgent },
    });
    expect(events.find((event) => event.preferences?.to.topics)?.preferences?.to.topics).toContain('PRODUCT_UPDATES');

    await saveScreenshot(page, 'preference-centre');
  });

  it('switches the language: every string changes, `lang` follows, and a change is recorded in the words and locale shown', async () => {
    await page.getByLabel('Language of this page').selectOption('de');
    await page.getByRole('heading', { level: 1, name: 'Ihre Kommunikationseinstellungen' }).waitFor();
    await expect(page.locator('html').getAttribute('lang')).resolves.toBe('de-DE');
    await expect(page.getByTestId('status').innerText()).resolves.toContain('Gespeichert');
    await expect(page.locator('main').innerText()).resolves.not.toMatch(/Marketing emails|Save my choices|How often/);

    const partners = page.getByLabel('Partnerangebote per SMS');
    const wasOn = await partners.isChecked();
    await partners.setChecked(!wasOn);
    await page.getByRole('button', { name: 'Meine Auswahl speichern' }).click();
    await page.getByTestId('status').getByText(wasOn ? 'Sie erhalten keine Partnerangebote per SMS mehr' : 'Sie erhalten Partnerangebote per SMS', { exact: false }).waitFor();
    const event = (await history()).find((entry) => entry.consent?.channel === 'SMS' && entry.consent.purpose === 'THIRD_PARTY')!;
    expect(event.evidence).toMatchObject({ textShown: 'Senden Sie mir Angebote Ihrer ausgewählten Partner per SMS.', locale: 'de-DE', noticeVersion: NOTICE_VERSION });

    await page.getByLabel('Sprache dieser Seite').selectOption('en');
    await page.getByRole('heading', { level: 1, name: 'Your communication preferences' }).waitFor();
    await expect(page.locator('html').getAttribute('lang')).resolves.toBe('en-GB');
  });

  it('asks for a double opt-in on email: a grant is recorded PENDING, and the confirmation link grants it only when Confirm is pressed', async () => {
    const emailMarketing = page.getByLabel('Marketing emails');
    if (await emailMarketing.isChecked()) {
      await emailMarketing.uncheck();
      await save();
      await page.getByTestId('status').getByText('no longer receive marketing emails', { exact: false }).waitFor();
    }
    await emailMarketing.check();
    await save();
    await page.getByTestId('status').getByText('Almost done: please confirm by email. Once you have, you will receive marketing emails.').waitFor();
    expect(await held('EMAIL', 'MARKETING')).toBe('PENDING');
    await expect(page.getByTestId('consent-EMAIL-MARKETING').locator('.badge').first().innerText()).resolves.toBe('Waiting for your confirmation');

    // The token the confirmation email carries; opening its link changes nothing.
    const pending = (await history()).find((event) => event.consent?.channel === 'EMAIL' && event.consent.purpose === 'MARKETING' && event.consent.to === 'PENDING')!;
    const token = await new DoubleOptInTokens(store).sign(pending.id);
    const confirmPage = await browser.newPage();
    await open(confirmPage, `token=${link}&confirm=${token}`);
    expect(confirmPage.url()).toBe(`${demo.url}/preferences`);
    await confirmPage.getByTestId('confirm').getByRole('button', { name: 'Confirm' }).waitFor();
    expect(await held('EMAIL', 'MARKETING')).toBe('PENDING');

    await confirmPage.getByRole('button', { name: 'Confirm' }).click();
    await confirmPage.getByText('Thank you: your subscription is confirmed.').waitFor();
    expect(await held('EMAIL', 'MARKETING')).toBe('GRANTED');
    await expect(confirmPage.getByTestId('consent-EMAIL-MARKETING').locator('.badge').first().innerText()).resolves.toBe('On');
    const [confirmation] = await history();
    expect(confirmation).toMatchObject({
      method: 'EMAIL_LINK',
      consent: { channel: 'EMAIL', purpose: 'MARKETING', to: 'GRANTED' },
      actor: { kind: 'CUSTOMER', id: customerId },
      evidence: { noticeVersion: NOTICE_VERSION, textShown: 'Yes, I asked for this and I want to receive these messages at this address.', locale: 'en-GB', ip: '127.0.0.1', userAgent },
    });
    await confirmPage.close();
  });

  it('says in the person\'s language when the link is missing, expired or not valid', async () => {
    const problemOn = async (fragment: string) => {
      const other = await browser.newPage(); // a tab of its own: no link kept from the tests before
      await other.goto(`${demo.url}/preferences${fragment}`);
      await other.getByTestId('problem').waitFor();
      return other;
    };
    const none = await problemOn('');
    await expect(none.getByTestId('problem').innerText()).resolves.toBe('This page needs the personal link we sent you. Open the link from your email or letter in full.');

    const issuedLongAgo = new PreferenceLinks(store, () => new Date(Date.now() - 40 * 24 * 3600_000));
    const expired = await problemOn(`#token=${await issuedLongAgo.issue(customerId)}`);
    await expect(expired.getByTestId('problem').innerText()).resolves.toBe('Your link has expired. Ask us for a new one and open it in full.');
    await expired.getByLabel('Language of this page').selectOption('de');
    await expect(expired.getByTestId('problem').innerText()).resolves.toBe('Ihr Link ist abgelaufen. Bitten Sie uns um einen neuen und öffnen Sie ihn vollständig.');

    const invalid = await problemOn('#token=not-a-link');
    await expect(invalid.getByTestId('problem').innerText()).resolves.toMatch(/^Your link is not valid/);
    await Promise.all([none.close(), expired.close(), invalid.close()]);
  });

  it('has no serious or critical axe-core violation, in English and in German', async () => {
    await open(page, `token=${link}`);
    expect(await seriousViolations()).toEqual([]);
    await page.getByLabel('Language of this page').selectOption('de');
    await page.getByRole('heading', { level: 1, name: 'Ihre Kommunikationseinstellungen' }).waitFor();
    expect(await seriousViolations()).toEqual([]);
    await page.getByLabel('Sprache dieser Seite').selectOption('en');
  });

  it('works from the keyboard: Tab reaches the controls and the save button, each with a visible focus, and Space ticks', async () => {
    await open(page, `token=${link}`);
    await page.locator('body').click({ position: { x: 1, y: 1 } });
    const reached: string[] = [];
    for (let i = 0; i < 60; i++) {
      await page.keyboard.press('Tab');
      const focused = await page.evaluate<{ id: string; text: string; outline: string; width: number } | null>(`(() => {
        const element = document.activeElement;
        if (!element || element === document.body) return null;
        const style = getComputedStyle(element);
        return { id: element.id, text: element.textContent ?? '', outline: style.outlineStyle, width: parseFloat(style.outlineWidth) };
      })()`);
      if (!focused) continue;
      reached.push(focused.id || focused.text);
      expect({ id: focused.id || focused.text, outline: focused.outline !== 'none' && focused.width >= 2 }).toEqual({ id: focused.id || focused.text, outline: true });
      if (focused.text === 'Save my choices') break;
    }
    expect(reached).toEqual(expect.arrayContaining(['consent-EMAIL-MARKETING', 'consent-SMS-SERVICE', 'topic-NEWSLETTER', 'preference-frequency', 'preference-language', 'Save my choices']));

    const box = page.locator('#consent-PUSH-SERVICE');
    const before = await box.isChecked();
    await box.focus();
    await page.keyboard.press('Space');
    await expect(box.isChecked()).resolves.toBe(!before);
    await page.keyboard.press('Space');
    await expect(box.isChecked()).resolves.toBe(before);
  });
});
