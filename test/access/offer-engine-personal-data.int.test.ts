import type { RunningSimulator } from '../../simulators/simulator';
import type { RunningGateway } from '../harness/gateway';
import { testPopulation } from '../harness/simulators';
import { startTestStack, type TestStack } from '../harness/stack';

interface AdminView {
  id: string;
  name: { given: string | null; family: string | null; full: string };
  emails: string[];
  phones: string[];
  addresses: { line1: string | null; postalCode: string | null }[];
  birthDate: string | null;
}

describe('the offer engine never obtains personal data, however it asks, and its withheld fields cost no source call', () => {
  let stack: TestStack;
  let simulators: RunningSimulator[];
  let gateway: RunningGateway;
  const person = testPopulation().people.find((candidate) => candidate.records.length === 3 && candidate.phones.length > 0)!;
  const sfRecord = person.records.find((record) => record.system === 'salesforce')!;
  let profile: AdminView;
  let canaries: string[];

  beforeAll(async () => {
    stack = await startTestStack();
    ({ simulators, gateway } = stack);
    const read = await gateway.graphql<{ customer: AdminView }>(
      'query($email: String!) { customer(by: { email: $email }) { id name { given family full } emails phones addresses { line1 postalCode } birthDate } }',
      { email: person.emails[0] },
    );
    profile = read.data!.customer;
    // Denied on one address, so eligibility would list it among the excluded contact points.
    await gateway.graphql('mutation($changes: [ConsentChangeInput!]!) { recordConsent(changes: $changes) { eventId } }', {
      changes: [
        {
          customerId: profile.id,
          channel: 'EMAIL',
          purpose: 'MARKETING',
          contactPoint: profile.emails[0],
          status: 'DENIED',
          capturedAt: new Date(Date.now() - 1000).toISOString(),
          source: { system: 'preference-centre', recordId: 'f-1' },
          actor: { kind: 'CUSTOMER', id: profile.id },
          method: 'WEB_FORM',
          evidence: { ip: '198.51.100.23', userAgent: 'Canary-Browser/1.0' },
        },
      ],
    });
    canaries = [
      ...profile.emails,
      ...profile.emails.map((email) => email.split('@')[0]!),
      ...profile.phones,
      ...profile.phones.map((phone) => phone.slice(3)),
      profile.name.full,
      profile.name.family!,
      ...profile.addresses.flatMap((address) => [address.line1, address.postalCode]).filter((value): value is string => !!value),
      profile.birthDate!,
      '198.51.100.23',
      'Canary-Browser',
    ];
    expect(profile.emails.length).toBeGreaterThan(0);
    expect(profile.addresses.length).toBeGreaterThan(0);
  });
  afterAll(() => stack.stop());

  const attempts = (): [string, string, Record<string, unknown>][] => [
    ['every profile field', 'query($ids: [ID!]!) { customers(ids: $ids) { id name { given family full } emails phones addresses { line1 line2 city region postalCode country } birthDate locale } }', { ids: [profile.id] }],
    ['aliases', 'query($ids: [ID!]!) { c: customers(ids: $ids) { i: id e: emails p: phones n: name { f: full } a: addresses { l: line1 } b: birthDate } d: customers(ids: $ids) { mail: emails } }', { ids: [profile.id] }],
    [
      'fragments on each type',
      `query($ids: [ID!]!) { customers(ids: $ids) { ...C ... on Customer { emails } } }
       fragment C on Customer { id phones name { ...N } addresses { ...A } identity { username } crm { ownerName } provenance { field } conflicts { values { value } } sourceRecords { recordId } consents { ...K } consentDrift { disagreements { contactPoint } } }
       fragment N on CustomerName { given family full }
       fragment A on CustomerAddress { line1 postalCode }
       fragment K on Consent { channel contactPoint }`,
      { ids: [profile.id] },
    ],
    ['a lookup by email', 'query($email: String!) { customer(by: { email: $email }) { id emails } }', { email: profile.emails[0] }],
    ['a lookup by phone', 'query($phone: String!) { customer(by: { phone: $phone }) { id } }', { phone: profile.phones[0] }],
    ['a search', 'query($q: String!) { searchCustomers(query: $q) { edges { matchedOn node { id emails name { full } } } } }', { q: profile.emails[0] }],
    ['a search by name', 'query($q: String!) { searchCustomers(query: $q) { edges { node { id } } } }', { q: profile.name.full }],
    [
      'eligibility and its excluded contact points',
      'query($ids: [ID!]!) { contactEligibility(customerIds: $ids, channel: "EMAIL", purpose: "MARKETING") { customerId allowed reason excludedContactPoints } }',
      { ids: [profile.id] },
    ],
    ['consent history', 'query($id: ID!) { consentHistory(customerId: $id) { edges { node { consent { contactPoint } evidence { ip userAgent } } } } }', { id: profile.id }],
    ['a point in time', 'query($id: ID!) { consentAt(customerId: $id, at: "2030-01-01T00:00:00Z") { contactPoint } }', { id: profile.id }],
    [
      'an unlink report',
      'mutation($record: SourceRecordInput!) { unlinkRecord(record: $record, reason: "x") { original { emails name { full } } split { phones } consents { original { contactPoint } split { contactPoint } } } }',
      { record: sfRecord },
    ],
    ['a link', 'mutation($record: SourceRecordInput!) { linkRecords(records: [$record], reason: "x") { emails addresses { line1 } } }', { record: sfRecord }],
  ];

  it('answers no email, phone, name, address or birth date to any query, alias or fragment, and says FORBIDDEN where it withholds', async () => {
    for (const [what, query, variables] of attempts()) {
      const answer = await gateway.graphqlAs('offer-engine', query, variables);
      const body = JSON.stringify(answer);
      for (const canary of canaries) expect({ what, leaked: body.includes(canary) ? canary : null }).toEqual({ what, leaked: null });
      expect({ what, forbidden: answer.errors?.some((error) => error.extensions?.code === 'FORBIDDEN') }).toEqual({ what, forbidden: true });
    }
  });

  it('still answers what it may read beside what is withheld, each withheld field null with an error naming it and the role', async () => {
    const { data, errors } = await gateway.graphqlAs<{ customers: { id: string; emails: unknown; consents: { channel: string; contactPoint: unknown }[] }[] }>(
      'offer-engine',
      'query($ids: [ID!]!) { customers(ids: $ids) { id emails consents { channel status contactPoint } preferences { topics } } }',
      { ids: [profile.id] },
    );
    expect(data!.customers[0]).toMatchObject({ id: profile.id, emails: null, consents: [{ channel: 'EMAIL', contactPoint: null }] });
    expect(errors).toEqual([
      expect.objectContaining({ path: ['customers', 0, 'emails'], message: expect.stringMatching(/Customer\.emails.*role offer-engine/), extensions: expect.objectContaining({ code: 'FORBIDDEN' }) }),
      expect.objectContaining({ path: ['customers', 0, 'consents', 0, 'contactPoint'], extensions: expect.objectContaining({ code: 'FORBIDDEN', field: 'Consent.contactPoint' }) }),
    ]);
    // The unlink it was refused ran nothing: the record is still the customer's.
    const { data: still } = await gateway.graphql<{ customer: { id: string } }>('query($r: SourceRecordInput!) { customer(by: { source: $r }) { id } }', { r: sfRecord });
    expect(still!.customer.id).toBe(profile.id);
  });

  it('calls no source for consents and preferences, and no source it may read nothing from', async () => {
    const counts = () => simulators.map((simulator) => simulator.requestCount());
    const before = counts();
    const consents = await gateway.graphqlAs('offer-engine', 'query($ids: [ID!]!) { customers(ids: $ids) { id consents { channel status } preferences { topics } emails } }', { ids: [profile.id] });
    expect(consents.data).toBeDefined();
    expect(counts()).toEqual(before);
    // Only the locale is the offer engine's among the sources' fields; the CRM holds none, so it is not called.
    const [salesforce] = simulators;
    const crmBefore = salesforce!.requestCount();
    const locale = await gateway.graphqlAs('offer-engine', 'query($ids: [ID!]!) { customers(ids: $ids) { locale } }', { ids: [profile.id] });
    expect(locale.errors).toBeUndefined();
    expect(salesforce!.requestCount()).toBe(crmBefore);
    expect(counts().reduce((a, b) => a + b, 0)).toBeGreaterThan(before.reduce((a, b) => a + b, 0));
  });
});
