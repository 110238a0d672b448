import { parse, specifiedRules, validate } from 'graphql';
import { loadSchema } from '../../../src/server/load-schema';
import { checkOperationLimits, operationLimitRules, tokenLimitError } from '../../../src/server/limits/operation-limit-rules';
import { defaultOperationLimits, type OperationLimits } from '../../../src/server/limits/operation-limits';

/**
 * The limits as a function of a document, outside any server: what a graphql-ws server's
 * `onSubscribe` would call. The HTTP path is tested end to end in test/e2e.
 */
const { schema } = loadSchema();
const check = (query: string, options: { limits?: Partial<OperationLimits>; variables?: Record<string, unknown>; introspection?: boolean } = {}) =>
  checkOperationLimits({
    schema,
    document: parse(query),
    limits: { ...defaultOperationLimits, ...options.limits },
    variables: options.variables,
    introspection: options.introspection,
  }).map((error) => ({ message: error.message, ...error.extensions }));

const profile = '{ customer(by: {id: "c1"}) { id name { full } emails phones crm { tier } engagement { lists } sources { system status } consents { channel purpose status } } }';

describe('operation limits as validation rules', () => {
  it('lets a normal agent profile query through', () => {
    expect(check(profile)).toEqual([]);
  });

  it("counts depth as the answer's nesting, through fragment spreads and inline fragments", () => {
    const query = '{ ...A } fragment A on Query { ... on Query { systems { ...H } } } fragment H on System { health { apiUsage { limit } } }';
    expect(check(query, { limits: { depth: 4 } })).toEqual([]);
    expect(check(query, { limits: { depth: 3 } })).toEqual([{ code: 'LIMIT_EXCEEDED', limit: 'depth', max: 3, message: 'Query depth limit of 3 exceeded, found 4.' }]);
  });

  it('counts __typename aliases', () => {
    expect(check('{ a: __typename b: __typename c: __typename }', { limits: { aliases: 2 } })).toMatchObject([{ limit: 'aliases', max: 2, message: 'Aliases limit of 2 exceeded, found 3.' }]);
  });

  it('costs a list argument by its size, sent as a variable or inline', () => {
    const query = 'query ($ids: [ID!]!) { customers(ids: $ids) { id sources { status } } }';
    expect(check(query, { variables: { ids: ['a', 'b'] }, limits: { cost: 8 } })).toEqual([]); // 2 x (1 + 1 + 2)
    expect(check(query, { variables: { ids: ['a', 'b', 'c'] }, limits: { cost: 8 } })).toMatchObject([{ limit: 'cost', max: 8, message: 'Cost limit of 8 exceeded, found 12.' }]);
    expect(check('{ customers(ids: ["a", "b", "c"]) { id sources { status } } }', { limits: { cost: 8 } })).toMatchObject([{ limit: 'cost', message: 'Cost limit of 8 exceeded, found 12.' }]);
  });

  it('bounds every list in the arguments, nested ones too, naming the argument', () => {
    const errors = check('mutation ($changes: [PreferenceChangeInput!]!) { updatePreferences(changes: $changes) { index } }', {
      limits: { listSize: 2 },
      variables: {
        changes: [{ customerId: 'c1', topics: ['A', 'B', 'C'], capturedAt: '2024-01-01T00:00:00Z', source: { system: 'crm', recordId: '1' }, actor: { kind: 'AGENT', id: 'a' }, method: 'CALL' }],
      },
    });
    expect(errors).toEqual([
      {
        code: 'LIMIT_EXCEEDED',
        limit: 'listSize',
        max: 2,
        field: 'changes[0].topics',
        message: 'List size limit of 2 exceeded, found 3 in Mutation.updatePreferences(changes[0].topics).',
      },
    ]);
  });

  it('refuses introspection, aliased or not, when the caller may not introspect, and allows __typename', () => {
    expect(check('{ __schema { queryType { name } } }', { introspection: false })).toMatchObject([{ code: 'FORBIDDEN', field: '__schema' }]);
    expect(check('{ t: __type(name: "Customer") { name } }', { introspection: false })).toMatchObject([{ code: 'FORBIDDEN', field: '__type' }]);
    expect(check('{ __typename }', { introspection: false })).toEqual([]);
    expect(check('{ __schema { queryType { name } } }', { introspection: true })).toEqual([]);
  });

  it('stops a fragment bomb at the fixed node guard', () => {
    const query = `{ ...A } fragment A on Query { ${'...B '.repeat(25)}} fragment B on Query { ${'...C '.repeat(25)}} fragment C on Query { ${'...D '.repeat(25)}} fragment D on Query { __typename }`;
    expect(check(query)).toMatchObject([{ code: 'LIMIT_EXCEEDED', limit: 'nodes', max: 10_000 }]);
  });

  it('leaves a variable of the wrong type to execution rather than calling it a limit', () => {
    expect(check('query ($ids: [ID!]!) { customers(ids: $ids) { id } }', { variables: { ids: 7.5 } })).toEqual([]);
  });

  it('composes with the specified rules, as a graphql-ws onSubscribe would use them', () => {
    const errors = validate(schema, parse('{ a: __typename b: __typename }'), [...specifiedRules, ...operationLimitRules({ limits: { ...defaultOperationLimits, aliases: 1 } })]);
    expect(errors.map((error) => error.extensions.code)).toEqual(['LIMIT_EXCEEDED']);
  });
});

describe('the token limit', () => {
  it('counts tokens before parsing and names the limit', () => {
    expect(tokenLimitError('{ __typename }', 3)).toBeUndefined();
    const error = tokenLimitError('{ a b c }', 3)!;
    expect(error.message).toBe('Token limit of 3 exceeded.');
    expect(error.extensions).toEqual({ code: 'LIMIT_EXCEEDED', limit: 'tokens', max: 3 });
  });

  it('leaves a syntax error within the limit to the parser', () => {
    expect(tokenLimitError('{ a ', 10)).toBeUndefined();
  });
});
