import { Gigya, type ProxyHttpRequest } from 'gigya';
import { sapcdcPopulation } from '../../../simulators/sapcdc/sapcdc-population';
import { startSapCdcSimulator, type SapCdcSimulator } from '../../../simulators/sapcdc/sapcdc-simulator';
import { testPopulation } from '../../harness/simulators';

/**
 * SAP's Node SDK, `gigya` 3.0.1, against the simulator. The SDK builds its host as
 * `<namespace>.<dataCenter>.gigya.com` with no option for another one; what it does offer
 * is a proxy `httpRequest(endpoint, host, params, headers)` (its constructor's proxy
 * argument), which here sends the same form POST to the simulator instead. Signing is the
 * SDK's own: with a user key and secret it sends `timestamp`, `nonce` and `sig` over
 * `https://accounts.us1.gigya.com/<method>`, which the simulator (standing in for us1) checks.
 */
describe('the gigya SDK against the SAP Customer Data Cloud simulator', () => {
  const accounts = sapcdcPopulation(testPopulation()).accounts;
  let simulator: SapCdcSimulator;
  let gigya: Gigya;

  const toSimulator: ProxyHttpRequest = async (endpoint, _host, params) => {
    const form = new URLSearchParams(Object.entries(params).map(([name, value]): [string, string] => [name, String(value)]));
    const response = await fetch(`${simulator.descriptor.baseUrl}/${endpoint}`, { method: 'POST', body: form });
    return (await response.json()) as never;
  };

  beforeAll(async () => {
    simulator = await startSapCdcSimulator({ accounts });
    const { apiKey, userKey, secret } = simulator.descriptor.credentials;
    gigya = new Gigya(apiKey!, 'us1', toSimulator).setCredentials({ userKey: userKey!, secret: secret! });
  });
  afterAll(() => simulator.stop());

  it('reads an account with accounts.getAccountInfo (a signed request)', async () => {
    const account = accounts[0]!;
    const response = await gigya.accounts.getAccountInfo({ UID: account.UID, include: 'profile,preferences,subscriptions' });
    expect(response.errorCode).toBe(0);
    expect(response.UID).toBe(account.UID);
    expect(response.profile).toMatchObject({ firstName: account.profile.firstName });
    expect((response as unknown as { subscriptions: unknown }).subscriptions).toEqual(account.subscriptions);
  });

  it('pages accounts.search with openCursor and cursorId', async () => {
    const uids: string[] = [];
    let page = await gigya.accounts.search({ query: 'SELECT UID FROM accounts LIMIT 40', openCursor: true });
    for (;;) {
      uids.push(...(page.results ?? []).map((result) => (result as { UID: string }).UID));
      const next = (page as { nextCursorId?: string }).nextCursorId;
      if (!next) break;
      page = await gigya.accounts.search({ cursorId: next });
    }
    expect(uids).toHaveLength(accounts.length);
    expect(new Set(uids)).toEqual(new Set(accounts.map((account) => account.UID)));
  });

  it('writes preferences and subscriptions with accounts.setAccountInfo', async () => {
    const uid = accounts[1]!.UID;
    const response = await gigya.accounts.setAccountInfo({
      UID: uid,
      preferences: { privacy: { marketing_sms: { isConsentGranted: true } } },
      subscriptions: { newsletter: { email: { isSubscribed: false } } },
    } as never);
    expect(response.errorCode).toBe(0);
    expect(simulator.getAccount(uid)!.preferences.privacy!.marketing_sms!.isConsentGranted).toBe(true);
    expect(simulator.getAccount(uid)!.subscriptions.newsletter!.email).toMatchObject({ isSubscribed: false, doubleOptIn: { status: 'NotConfirmed' } });
  });

  it('throws the error envelope as a GigyaError (HTTP 200 with errorCode)', async () => {
    const failure = (await gigya.accounts.getAccountInfo({ UID: 'no-such-uid' }).catch((error: unknown) => error)) as { errorCode: number; gigyaResponse: { statusCode: number; errorMessage: string } };
    expect(failure.errorCode).toBe(403005);
    expect(failure.gigyaResponse).toMatchObject({ statusCode: 403, errorMessage: 'Unauthorized user' });
    const invalid = (await gigya.accounts.search({ query: 'SELECT * FROM accounts LIMIT 20000' }).catch((error: unknown) => error)) as { errorCode: number };
    expect(invalid.errorCode).toBe(400006);
  });

  it('is refused a wrong signature (403003) and a partner-secret call goes through', async () => {
    const { apiKey, userKey } = simulator.descriptor.credentials;
    const wrong = new Gigya(apiKey!, 'us1', toSimulator).setCredentials({ userKey: userKey!, secret: Buffer.from('wrong secret value!').toString('base64') });
    await expect(wrong.accounts.getAccountInfo({ UID: accounts[0]!.UID })).rejects.toMatchObject({ errorCode: 403003 });
    const partner = new Gigya(apiKey!, 'us1', toSimulator).setCredentials({ secret: 'c2ltdWxhdG9yLXBhcnRuZXItc2VjcmV0LWtleS12YWx1ZQ==' });
    expect((await partner.accounts.getAccountInfo({ UID: accounts[0]!.UID })).UID).toBe(accounts[0]!.UID);
  });
});
