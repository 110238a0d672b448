import { getNamedType, isObjectType, type GraphQLField, type GraphQLObjectType } from 'graphql';
import { roles, type Role } from '../../src/access/roles';
import { defaultMergeConfig } from '../../src/profile/merge-config';
import { loadSchema } from '../../src/server/load-schema';
import type { GraphQLErrorBody, RunningGateway } from '../harness/gateway';
import { testPopulation } from '../harness/simulators';
import { startTestStack, type TestStack } from '../harness/stack';
import { fullSelection, observe, selectionText, type Observation, type SelectionTree } from './support/selection-tree';

type Person = ReturnType<typeof testPopulation>['people'][number];
type Args = Record<string, unknown>;

/**
 * The role x field matrix, generated from the schema: every root field is called once per
 * role with valid arguments, selecting every field beneath it, and every field answered
 * (at every path it appears at) must be allowed or FORBIDDEN exactly as the policy says.
 * Every grant the policy makes must be seen answered at least once, and admins must see
 * every field of the schema: the data below is arranged so that each type has a value.
 */
describe('the access policy over HTTP: every field and root field, for every role', () => {
  const { schema, access } = loadSchema();
  let stack: TestStack;
  let gateway: RunningGateway;
  const people = testPopulation().people.filter((person) => person.records.length === 3 && person.phones.length > 0);
  const [alice, clashing] = [people.find((person) => person.consent.emailMarketing)!, people.find((person) => !person.consent.emailMarketing)!];
  const others = people.filter((person) => person !== alice && person !== clashing);
  const sfRecordOf = (person: Person) => person.records.find((record) => record.system === 'salesforce')!;
  const ids = new Map<Person, string>();
  let aliceCredential: string;
  let restoredId: string;
  let candidateId: string;

  const admin = async <T>(query: string, variables: Args = {}): Promise<T> => {
    const { data, errors } = await gateway.graphql<T>(query, variables);
    expect(errors).toBeUndefined();
    return data!;
  };
  const change = (customerId: string, overrides: Args = {}) => ({
    customerId,
    channel: 'EMAIL',
    purpose: 'MARKETING',
    status: 'GRANTED',
    capturedAt: new Date(Date.now() - 60_000).toISOString(),
    source: { system: 'preference-centre', recordId: `form-${customerId}` },
    method: 'WEB_FORM',
    evidence: { noticeVersion: 'v1', textShown: 'Yes', ip: '203.0.113.9', userAgent: 'Mozilla/5.0', locale: 'en-GB' },
    ...overrides,
  });
  const record = (changes: unknown[]) =>
    admin<{ recordConsent: { confirmationToken: string | null; error: unknown }[] }>(
      'mutation($changes: [ConsentChangeInput!]!) { recordConsent(changes: $changes) { confirmationToken error { message } } }',
      { changes },
    );
  const link = (a: Person, b: Person) =>
    admin<{ linkRecords: { id: string } }>('mutation($records: [SourceRecordInput!]!) { linkRecords(records: $records, reason: "same person") { id } }', {
      records: [sfRecordOf(a), sfRecordOf(b)],
    });

  // Per root field, the arguments of each call; mutations take prepared arguments for the roles the policy lets through.
  const prepared = new Map<string, Args[]>();
  const argsFor = (coordinate: string, role: Role): Args => {
    const allowed = access.allows([role], coordinate);
    const queue = prepared.get(coordinate);
    if (!queue) return queryArgs()[coordinate] ?? {};
    // A refused call runs nothing, so it may reuse the arguments of the last allowed one.
    return (allowed && queue.length > 1 ? queue.shift() : queue[0]) ?? {};
  };
  const queryArgs = (): Record<string, Args> => ({
    'Query.customer': { by: { id: ids.get(alice) } },
    'Query.customers': { ids: [ids.get(alice)] },
    'Query.searchCustomers': { query: alice.emails[0] },
    'Query.consentHistory': { customerId: ids.get(alice) },
    'Query.consentAt': { customerId: ids.get(alice), at: new Date().toISOString() },
    'Query.contactEligibility': { customerIds: [ids.get(alice)], channel: 'EMAIL', purpose: 'MARKETING' },
    'Query.identityCandidates': {},
    'Query.identityHistory': { customerId: restoredId },
    'Query.accessLog': { customerId: ids.get(alice) },
    'Query.systems': {},
    'Query.consentVocabulary': {},
    // Nothing is dead in this stack: the replay runs and re-queues none.
    'Mutation.replayDeliveries': { filter: { system: 'mailchimp' }, reason: 'matrix' },
    'Mutation.createPreferenceLink': { customerId: ids.get(alice), purpose: 'MARKETING' },
  });

  beforeAll(async () => {
    // The policy is under test, not the limits: each call selects everything beneath its field, which a customer's cost limit would refuse.
    // Nor the sources' speed: on a loaded machine a source call can outlast the default 1.5 s budget, and a source
    // that answered nothing leaves its fields unobserved (its view null, SOURCE_UNAVAILABLE).
    stack = await startTestStack({
      limits: { defaults: { cost: 1_000_000, ratePerSecond: 100_000 }, byRole: {} },
      profile: { mergeConfig: defaultMergeConfig, budgets: { defaultBudgetMs: 10_000, budgetsMs: {} } },
    });
    gateway = stack.gateway;
    const cast = [alice, clashing, ...others.slice(0, 10)];
    for (const person of cast) {
      const { customer } = await admin<{ customer: { id: string } }>('query($email: String!) { customer(by: { email: $email }) { id } }', { email: person.emails[0] });
      ids.set(person, customer.id);
    }
    const [c, d, e, f, g, h, i, j, k, l] = others as [Person, Person, Person, Person, Person, Person, Person, Person, Person, Person];
    aliceCredential = await gateway.access.preferenceLinks.issue(ids.get(alice)!);
    // A read of Alice's personal data, so that her access log has a record to show.
    await admin('query($id: ID!) { customer(by: { id: $id }) { emails } }', { id: ids.get(alice) });
    await gateway.access.accessRecords.drain();

    // Consents, with a contact point and evidence, a preference change and pending double opt-ins (one per role, on keys of their own).
    const aliceId = ids.get(alice)!;
    await record([change(aliceId, { contactPoint: alice.emails[0], idempotencyKey: 'alice-setup' })]);
    await admin('mutation($changes: [PreferenceChangeInput!]!) { updatePreferences(changes: $changes) { index } }', {
      changes: [{ customerId: aliceId, topics: ['OFFERS'], frequency: 'WEEKLY', preferredChannel: 'EMAIL', language: 'en-GB', capturedAt: new Date().toISOString(), source: { system: 'preference-centre', recordId: 'prefs' }, method: 'WEB_FORM' }],
    });
    const pendingKeys = roles.map((_, n) => ({ channel: ['SMS', 'PHONE', 'POSTAL', 'PUSH'][n % 4], purpose: ['SERVICE', 'PROFILING'][Math.floor(n / 4)] }));
    const pending = await record(pendingKeys.map((key, n) => change(aliceId, { ...key, status: 'PENDING', idempotencyKey: `pending-${n}` })));
    prepared.set('Mutation.confirmDoubleOptIn', pending.recordConsent.map(({ confirmationToken }) => ({ token: confirmationToken })));

    // An undone merge with a consent recorded while merged: identity history with its review.
    const merged = await link(c, d);
    await record([change(merged.linkRecords.id, { idempotencyKey: 'while-merged' })]);
    const unlinked = await admin<{ unlinkRecord: { split: { id: string } } }>(
      'mutation($record: SourceRecordInput!) { unlinkRecord(record: $record, reason: "two people") { split { id } } }',
      { record: sfRecordOf(d) },
    );
    restoredId = unlinked.unlinkRecord.split.id;

    // Two merges for the unlinks of the matrix (steward, admin), each side holding a consent; two pairs for its links.
    for (const [a, b] of [[e, f], [g, h]] as const) {
      await record([change(ids.get(b)!, { contactPoint: b.emails[0], idempotencyKey: `unlink-${b.personId}` })]);
      await link(a, b);
    }
    prepared.set('Mutation.unlinkRecord', [f, h].map((person) => ({ record: sfRecordOf(person), reason: 'matrix' })));
    prepared.set('Mutation.linkRecords', [[i, j], [k, l]].map(([a, b]) => ({ records: [sfRecordOf(a!), sfRecordOf(b!)], reason: 'matrix' })));

    // A clash for the steward: a record whose email says one customer and whose phone another.
    await stack.composed.customers.resolver.resolveRecords([
      { system: 'salesforce', recordId: 'clash-1', updatedAt: new Date(), fields: { emails: [clashing.emails[0]!], phones: [alice.phones[0]!] }, consentFlags: [], crossReferences: [] },
    ]);
    candidateId = (await admin<{ identityCandidates: { id: string }[] }>('{ identityCandidates { id } }')).identityCandidates[0]!.id;
    prepared.set('Mutation.resolveCandidate', [0, 1].map(() => ({ id: candidateId, decision: 'KEEP_SEPARATE', reason: 'matrix' })));

    // Every writer gets one good change (PENDING: its token is for staff only) and one reusing a key with another payload (its ChangeError).
    const consentWrites = (n: number) => ({ changes: [change(aliceId, { status: 'PENDING', idempotencyKey: `matrix-${n}` }), change(aliceId, { status: 'DENIED', idempotencyKey: 'alice-setup', contactPoint: alice.emails[0] })] });
    prepared.set('Mutation.recordConsent', [0, 1, 2, 3].map(consentWrites));
    prepared.set('Mutation.updatePreferences', [0, 1, 2, 3].map((n) => ({ changes: [{ customerId: aliceId, language: 'fr-FR', capturedAt: new Date().toISOString(), source: { system: 'preference-centre', recordId: `prefs-${n}` }, method: 'WEB_FORM' }] })));

    // The systems map: a field scan and a propagation sample, so that their types have values to read.
    await stack.composed.fieldScanner.runOnce();
    await stack.composed.services.propagationHistory.record([{ at: new Date(), system: 'salesforce', process: 'matrix', backlog: 1, dead: 0, delivered: 2, lagP50Seconds: 0.5, lagP99Seconds: 0.9 }]);
  }, 120_000);
  afterAll(() => stack.stop());

  /** The one-field operation that calls `field` of `root` with `args`, selecting everything beneath it. */
  const operation = (kind: 'query' | 'mutation', field: GraphQLField<unknown, unknown>, args: Args, tree: SelectionTree | null) => {
    const given = field.args.filter((arg) => args[arg.name] !== undefined);
    const variables = given.map((arg) => `$${arg.name}: ${String(arg.type)}`).join(', ');
    const call = given.map((arg) => `${arg.name}: $${arg.name}`).join(', ');
    // Said why: the roles that must give a purpose to read personal data give one.
    return `${kind}${variables ? `(${variables})` : ''} @purpose(reason: "access matrix") { ${field.name}${call ? `(${call})` : ''} ${tree ? selectionText(tree) : ''} }`;
  };

  it('answers every field allowed or FORBIDDEN exactly as the policy says, for every role (no unexpected allow, no unexpected denial)', async () => {
    const seen: (Observation & { role: Role })[] = [];
    const otherErrors: string[] = []; // errors at a path other than FORBIDDEN: why a grant could go unobserved
    const rootTypes = [schema.getQueryType()!, schema.getMutationType()!] as GraphQLObjectType[];
    for (const root of rootTypes) {
      for (const field of Object.values(root.getFields())) {
        const named = getNamedType(field.type);
        const tree = isObjectType(named) ? fullSelection(named) : null;
        const rootTree: SelectionTree = { type: root, fields: [{ field, children: tree }] };
        for (const role of roles) {
          const who = role === 'customer' ? { credential: aliceCredential } : role;
          const args = argsFor(`${root.name}.${field.name}`, role);
          const { data, errors = [] } = await gateway.graphqlAs<Record<string, unknown>>(who, operation(root === rootTypes[0] ? 'query' : 'mutation', field, args, tree), args);
          expect(errors.filter((error: GraphQLErrorBody) => !error.path)).toEqual([]);
          const byPath = new Map(errors.map((error) => [error.path!.join('.'), error.extensions?.code]));
          otherErrors.push(...errors.filter((error) => error.extensions?.code !== 'FORBIDDEN').map((error) => `${role} ${error.path!.join('.')}: ${String(error.extensions?.code)} ${error.message}`));
          seen.push(...observe(rootTree, data ?? {}, byPath).map((observation) => ({ ...observation, role })));
        }
      }
    }

    const unexpectedAllows = seen.filter((o) => !o.forbidden && !access.allows([o.role], o.coordinate)).map((o) => `${o.role} read ${o.path} (${o.coordinate})`);
    const unexpectedDenials = seen.filter((o) => o.forbidden && access.allows([o.role], o.coordinate)).map((o) => `${o.role} was refused ${o.path} (${o.coordinate})`);
    expect(unexpectedAllows).toEqual([]);
    expect(unexpectedDenials).toEqual([]);

    // Coverage: every grant was exercised, and admins saw every field of the schema (but what only a
    // subscription reaches, over the websocket: test/consent/consent-subscriptions.int.test.ts).
    const observed = new Set(seen.map((o) => `${o.role} ${o.coordinate}`));
    const onlyOverSubscriptions = new Set(['Subscription', 'ConsentEventAtPosition']);
    const fields = Object.values(schema.getTypeMap())
      .filter((type): type is GraphQLObjectType => isObjectType(type) && !type.name.startsWith('__') && !onlyOverSubscriptions.has(type.name))
      .flatMap((type) => Object.keys(type.getFields()).map((field) => `${type.name}.${field}`));
    const untestedGrants = roles.flatMap((role) => fields.filter((coordinate) => access.allows([role], coordinate) && !observed.has(`${role} ${coordinate}`)).map((c) => `${role} ${c}`));
    expect({ untestedGrants, otherErrors: untestedGrants.length > 0 ? otherErrors : [] }).toEqual({ untestedGrants: [], otherErrors: [] });
  }, 120_000);
});
