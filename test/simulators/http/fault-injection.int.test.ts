import type { MailchimpSimulator } from '../../../simulators/mailchimp/mailchimp-simulator';
import type { SalesforceSimulator } from '../../../simulators/salesforce/salesforce-simulator';
import { mailchimpAuthorization, salesforceToken, startTestMailchimp, startTestSalesforce } from '../../harness/simulators';

/** Fault injection and request counters, shared by every simulator, seen over HTTP. */

let mailchimp: MailchimpSimulator;

const ping = (signal?: AbortSignal): Promise<Response> =>
  fetch(`${mailchimp.descriptor.baseUrl}/ping`, { headers: { authorization: mailchimpAuthorization(mailchimp) }, signal });

beforeAll(async () => {
  mailchimp = await startTestMailchimp();
});

beforeEach(() => {
  mailchimp.setFaults({});
  mailchimp.resetCounters();
});

afterAll(async () => {
  await mailchimp.stop();
});

test('latency delays every answer by at least latencyMs', async () => {
  mailchimp.setFaults({ latencyMs: 150 });
  const started = performance.now();
  const response = await ping();
  expect(response.status).toBe(200);
  expect(performance.now() - started).toBeGreaterThanOrEqual(140);
});

test('errorRate 1 answers 503 in the vendor error shape; 0.5 answers a mix', async () => {
  mailchimp.setFaults({ errorRate: 1 });
  const failed = await ping();
  expect(failed.status).toBe(503);
  expect(failed.headers.get('content-type')).toContain('application/problem+json');
  expect(await failed.json()).toMatchObject({ status: 503, title: 'Service Unavailable' });

  mailchimp.setFaults({ errorRate: 0.5 });
  const statuses = await Promise.all(Array.from({ length: 8 }, async () => (await ping()).status));
  for (let round = 0; round < 4; round += 1) statuses.push(...(await Promise.all(Array.from({ length: 8 }, async () => (await ping()).status))));
  expect(statuses).toContain(200);
  expect(statuses).toContain(503);
  expect(mailchimp.requestCount('ping')).toBe(41);
});

test('rateLimit answers the next N calls with 429 and Retry-After, then serves normally', async () => {
  mailchimp.setFaults({ rateLimit: { count: 2, retryAfterSeconds: 7 } });
  const first = await ping();
  const second = await ping();
  const third = await ping();
  expect([first.status, second.status, third.status]).toEqual([429, 429, 200]);
  expect(first.headers.get('retry-after')).toBe('7');
  expect(await first.json()).toMatchObject({ title: 'Too Many Requests', status: 429 });
});

test('failNext answers the next N calls with the given status, then serves normally', async () => {
  mailchimp.setFaults({ failNext: { count: 1, status: 503 } });
  expect((await ping()).status).toBe(503);
  expect((await ping()).status).toBe(200);
});

test('POST /__admin/faults sets faults and GET /__admin/requests reports counters', async () => {
  const set = await fetch(`http://127.0.0.1:${mailchimp.port}/__admin/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ failNext: { count: 1, status: 500 } }),
  });
  expect(set.status).toBe(200);
  expect((await ping()).status).toBe(500);
  const counters = await (await fetch(`http://127.0.0.1:${mailchimp.port}/__admin/requests`)).json();
  expect(counters).toMatchObject({ requests: { ping: 1 }, total: 1 });
  expect(mailchimp.requestCount()).toBe(1);
});

test('the eleventh concurrent Mailchimp request gets a 429 and the peak is recorded', async () => {
  mailchimp.setFaults({ latencyMs: 400 });
  const responses = await Promise.all(Array.from({ length: 11 }, () => ping()));
  const statuses = responses.map((response) => response.status).sort();
  expect(statuses.filter((status) => status === 200)).toHaveLength(10);
  expect(statuses.filter((status) => status === 429)).toHaveLength(1);
  const rejected = responses.find((response) => response.status === 429)!;
  expect(await rejected.json()).toMatchObject({ title: 'Too Many Requests', status: 429 });
  expect(mailchimp.peakConcurrency).toBe(11);
  // Once the ten finish, the key has its connections back.
  mailchimp.setFaults({});
  expect((await ping()).status).toBe(200);
});

test('hang never answers, and stop() still closes the hung connection promptly', async () => {
  const hanging = await startTestMailchimp({ faults: { hang: true } });
  const controller = new AbortController();
  const pending = fetch(`${hanging.descriptor.baseUrl}/ping`, {
    headers: { authorization: mailchimpAuthorization(hanging) },
    signal: controller.signal,
  }).then(
    (response) => response.status,
    (error: Error) => error.name,
  );
  const raced = await Promise.race([pending, new Promise((resolve) => setTimeout(() => resolve('still waiting'), 300))]);
  expect(raced).toBe('still waiting');
  expect(hanging.requestCount('ping')).toBe(1);
  const started = performance.now();
  await hanging.stop();
  expect(performance.now() - started).toBeLessThan(2000);
  // The client sees its connection closed rather than an answer.
  expect(await pending).not.toBe(200);
  controller.abort();
});

describe('Salesforce faults', () => {
  let salesforce: SalesforceSimulator;

  beforeAll(async () => {
    salesforce = await startTestSalesforce();
  });

  afterAll(async () => {
    await salesforce.stop();
  });

  test('faults skip the token endpoint unless routes names it, and use the Salesforce error shape', async () => {
    salesforce.setFaults({ failNext: { count: 1, status: 503 } });
    const token = await salesforceToken(salesforce);
    const query = (): Promise<Response> =>
      fetch(`${salesforce.descriptor.baseUrl}/services/data/v65.0/query?q=${encodeURIComponent('SELECT Id FROM Contact LIMIT 1')}`, {
        headers: { authorization: `Bearer ${token}` },
      });
    const failed = await query();
    expect(failed.status).toBe(503);
    expect(await failed.json()).toEqual([{ message: expect.any(String), errorCode: 'SERVER_UNAVAILABLE' }]);
    expect((await query()).status).toBe(200);

    salesforce.setFaults({ failNext: { count: 1, status: 503 }, routes: ['token'] });
    await expect(salesforceToken(salesforce)).rejects.toThrow('503');
    expect((await query()).status).toBe(200);
  });
});
