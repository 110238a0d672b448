import { ConsentService } from '../../src/consent/consent-service';
import { createLogger } from '../../src/observability/logger';
import { OneClickUnsubscribe } from '../../src/preferences/one-click-unsubscribe';
import { PreferenceLinks } from '../../src/access/preference-link';
import { createCustomerServices } from '../../src/profile/create-customer-services';
import { collectionNames } from '../../src/store/collections';
import { startTestGateway, type RunningGateway } from '../harness/gateway';
import { openTestStore } from '../harness/store';

const HISTORY = `query History($id: ID!) @purpose(reason: "one-click unsubscribe test") {
  consentHistory(customerId: $id) {
    edges { node { customerId kind method current consent { channel purpose contactPoint to } source { system recordId } actor { kind id }
      evidence { textShown ip userAgent } recordedBy { kind id roles } } }
  }
}`;

interface HistoryNode {
  method: string;
  consent: { channel: string; purpose: string; contactPoint: string | null; to: string };
  source: { system: string; recordId: string };
  actor: { kind: string; id: string };
  evidence: { textShown: string; ip: string; userAgent: string };
  recordedBy: { kind: string; id: string; roles: string[] };
}

const ONE_CLICK = 'List-Unsubscribe=One-Click';
const form = { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': 'ExampleMail/1.0 (one-click)' };

describe('RFC 8058 one-click unsubscribe at /preferences/unsubscribe', () => {
  let store: Awaited<ReturnType<typeof openTestStore>>;
  let gateway: RunningGateway;
  let links: PreferenceLinks;
  let clock = Date.now();
  const lines: string[] = [];

  beforeAll(async () => {
    store = await openTestStore();
    const customers = createCustomerServices({ store, adapters: [] });
    const consent = new ConsentService({ store, directory: customers.directory });
    links = new PreferenceLinks(store);
    gateway = await startTestGateway(
      store,
      { directory: customers.directory, consent, profiles: customers.profiles },
      {
        logger: createLogger({ level: 'debug', destination: { write: (line: string) => lines.push(line) } }),
        // A clock the test moves, to step past the window in which a repeat writes nothing.
        unsubscribe: new OneClickUnsubscribe({ links, consent, now: () => new Date(clock) }),
      },
    );
  });
  afterAll(async () => {
    await gateway.stop();
    await store.dropAndClose();
  });

  const newCustomer = () => createCustomerServices({ store, adapters: [] }).graph.createCustomer('test');
  const unsubscribeUrl = (token: string) => `${gateway.baseUrl}/preferences/unsubscribe?token=${encodeURIComponent(token)}`;
  const post = (token: string, body: string = ONE_CLICK, headers: Record<string, string> = form) => fetch(unsubscribeUrl(token), { method: 'POST', headers, body });
  const history = async (customerId: string) => {
    const { data, errors } = await gateway.graphqlAs<{ consentHistory: { edges: { node: HistoryNode }[] } }>('compliance-officer', HISTORY, { id: customerId });
    expect(errors).toBeUndefined();
    return data!.consentHistory.edges.map((edge) => edge.node);
  };
  const eventsOf = (customerId: string) => store.collection(collectionNames.consentEvents).countDocuments({ customerId });

  it('withdraws email consent for the link\'s purpose as the customer\'s own change, with the one-click evidence, and answers 200 with a short text', async () => {
    const customerId = await newCustomer();
    const { token } = await links.create(customerId, { purpose: 'MARKETING' });
    const answer = await post(token);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await answer.text()).toBe('Unsubscribed: no more marketing email.\n');

    const [event, ...more] = await history(customerId);
    expect(more).toEqual([]);
    expect(event).toEqual({
      customerId,
      kind: 'CONSENT',
      method: 'EMAIL_LINK',
      current: true,
      consent: { channel: 'EMAIL', purpose: 'MARKETING', contactPoint: null, to: 'DENIED' },
      source: { system: 'preference-centre', recordId: customerId },
      actor: { kind: 'CUSTOMER', id: customerId },
      evidence: { textShown: 'List-Unsubscribe=One-Click', ip: expect.stringMatching(/127\.0\.0\.1$/), userAgent: 'ExampleMail/1.0 (one-click)' },
      recordedBy: { kind: 'CUSTOMER', id: `customer:${customerId}`, roles: ['customer'] },
    });
  });

  it('answers a repeat within the minute the same way and writes nothing more; the same link used again later withdraws again', async () => {
    const customerId = await newCustomer();
    const { token } = await links.create(customerId, { purpose: 'PROFILING' });
    clock = Math.floor(Date.now() / 60_000) * 60_000 + 5_000; // early in a minute
    const first = await post(token);
    clock += 10_000;
    const repeat = await post(token, ONE_CLICK, { ...form, 'user-agent': 'AnotherClient/2' });
    expect([first.status, repeat.status]).toEqual([200, 200]);
    expect(await repeat.text()).toBe(await first.text());
    expect(await eventsOf(customerId)).toBe(1);

    clock += 60_000; // the next minute: say the person subscribed again meanwhile, and now unsubscribes again
    expect((await post(token)).status).toBe(200);
    expect(await eventsOf(customerId)).toBe(2);
    clock = Date.now();
  });

  it('takes the body as multipart/form-data too', async () => {
    const customerId = await newCustomer();
    const { token } = await links.create(customerId, { purpose: 'THIRD_PARTY' });
    const body = new FormData();
    body.set('List-Unsubscribe', 'One-Click');
    const answer = await fetch(unsubscribeUrl(token), { method: 'POST', body });
    expect(answer.status).toBe(200);
    expect((await history(customerId))[0]!.consent).toMatchObject({ channel: 'EMAIL', purpose: 'THIRD_PARTY', to: 'DENIED' });
  });

  it('changes nothing on a GET or HEAD (a link scanner): 405 with Allow: POST', async () => {
    const customerId = await newCustomer();
    const { token } = await links.create(customerId, { purpose: 'MARKETING' });
    for (const method of ['GET', 'HEAD']) {
      const answer = await fetch(unsubscribeUrl(token), { method });
      expect(answer.status).toBe(405);
      expect(answer.headers.get('allow')).toBe('POST');
    }
    const body = await (await fetch(unsubscribeUrl(token))).json();
    expect(body).toEqual({ errors: [{ message: expect.stringContaining('POST `List-Unsubscribe=One-Click`'), extensions: { code: 'METHOD_NOT_ALLOWED' } }] });
    expect(await eventsOf(customerId)).toBe(0);
  });

  it('refuses a missing or wrong body with 400 and writes nothing', async () => {
    const customerId = await newCustomer();
    const { token } = await links.create(customerId, { purpose: 'MARKETING' });
    for (const body of ['', 'List-Unsubscribe=Yes', 'unsubscribe']) {
      const answer = await post(token, body);
      expect(answer.status).toBe(400);
      expect(await answer.json()).toMatchObject({ errors: [{ extensions: { code: 'BAD_REQUEST' } }] });
    }
    expect(await eventsOf(customerId)).toBe(0);
  });

  it('refuses a missing, tampered, expired or purposeless token with 401 saying what is wrong, and writes nothing', async () => {
    const customerId = await newCustomer();
    const { token } = await links.create(customerId, { purpose: 'MARKETING' });
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const otherPurpose = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), purpose: 'SERVICE' })).toString('base64url');
    const cases: [string, string][] = [
      [`${header}.${otherPurpose}.${signature}`, 'The preference-centre link is not valid; use the whole link as it was sent.'],
      [(await links.create(customerId, { purpose: 'MARKETING', ttlSeconds: -60 })).token, 'The preference-centre link has expired; ask for a new one.'],
      [await links.issue(customerId), 'This preference-centre link names no purpose to unsubscribe from; use the unsubscribe link of a recent email.'],
      [await gateway.keyFor('internal-app'), 'The preference-centre link is not valid; use the whole link as it was sent.'],
    ];
    for (const [credential, message] of cases) {
      const answer = await post(credential);
      expect(answer.status).toBe(401);
      expect(await answer.json()).toEqual({ errors: [{ message, extensions: { code: 'UNAUTHENTICATED' } }] });
    }
    const missing = await fetch(`${gateway.baseUrl}/preferences/unsubscribe`, { method: 'POST', headers: form, body: ONE_CLICK });
    expect(missing.status).toBe(401);
    expect(await eventsOf(customerId)).toBe(0);
  });

  it('never writes a token to the log: request lines carry the path only', async () => {
    const customerId = await newCustomer();
    const { token } = await links.create(customerId, { purpose: 'SERVICE' });
    await post(token);
    await fetch(unsubscribeUrl(token));
    await fetch(`${gateway.baseUrl}/preferences/unsubscribe/${token}`, { method: 'POST', headers: form, body: ONE_CLICK }); // a token put in the path by mistake
    await new Promise((resolve) => setTimeout(resolve, 50)); // log lines are written on `finish`
    const requestLines = lines.map((line) => JSON.parse(line) as { msg: string; path?: string }).filter((line) => line.msg === 'request');
    expect(requestLines.map((line) => line.path)).toEqual(expect.arrayContaining(['/preferences/unsubscribe', '/preferences/unsubscribe/<token>']));
    const [, payload, signature] = token.split('.') as [string, string, string];
    for (const line of lines) {
      expect(line).not.toContain(signature);
      expect(line).not.toContain(payload);
    }
  });
});
