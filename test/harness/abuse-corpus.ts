/**
 * The abuse corpus of issue 11: requests each of which the gateway must refuse before
 * execution, with the code and a message naming the limit and its value, over HTTP
 * (`body` as the request body) and, for those that are one operation, over graphql-ws
 * (`body` as the subscribe message's payload).
 */

const ids = (n: number) => Array.from({ length: n }, (_, i) => `c${i}`);
const lookups = (n: number) => Array.from({ length: n }, (_, i) => `c${i}: customer(by: {email: "abuse${i}@example.com"}) { id }`).join(' ');

/** A request body (an object sent as JSON, or raw text), and what it must be answered with. */
export interface AbuseCase {
  body: unknown;
  /** The HTTP status. */
  status: number;
  code: string;
  /** `extensions.limit`, and words the message must hold. */
  limit?: string;
  says?: RegExp;
}

export const abuseCorpus: Readonly<Record<string, AbuseCase>> = Object.freeze({
  'deep nesting': {
    body: { query: '{ searchCustomers(query: "smith") { edges { node { conflicts { winner { system } } } } } }' },
    status: 400,
    code: 'LIMIT_EXCEEDED',
    limit: 'depth',
    says: /depth limit of 5 exceeded, found 6/i,
  },
  'deep nesting through fragment spreads': {
    body: {
      query: `{ searchCustomers(query: "smith") { edges { ...E } } }
        fragment E on CustomerEdge { node { ...N } } fragment N on Customer { conflicts { winner { system } } }`,
    },
    status: 400,
    code: 'LIMIT_EXCEEDED',
    limit: 'depth',
  },
  '500 aliases of customer(by:)': { body: { query: `{ ${lookups(500)} }` }, status: 400, code: 'LIMIT_EXCEEDED', limit: 'tokens', says: /token limit of 1000/i },
  '16 aliases of customer(by:)': { body: { query: `{ ${lookups(16)} }` }, status: 400, code: 'LIMIT_EXCEEDED', limit: 'aliases', says: /aliases limit of 15 exceeded, found 16/i },
  'a __typename alias flood': {
    body: { query: `{ ${Array.from({ length: 300 }, (_, i) => `t${i}: __typename`).join(' ')} }` },
    status: 400,
    code: 'LIMIT_EXCEEDED',
    limit: 'aliases',
    says: /found 300/,
  },
  'a __typename flood without aliases': { body: { query: `{ ${'__typename '.repeat(5000)}}` }, status: 400, code: 'LIMIT_EXCEEDED', limit: 'tokens' },
  'aliases multiplied by spreading one fragment': {
    body: { query: `{ ...L ...L ...L ...L } fragment L on Query { ${lookups(5)} }` },
    status: 400,
    code: 'LIMIT_EXCEEDED',
    limit: 'aliases',
    says: /found 20/,
  },
  'a fragment bomb (spreads fanning out into each other)': {
    body: {
      query: `{ ...A } fragment A on Query { ${'...B '.repeat(25)}} fragment B on Query { ${'...C '.repeat(25)}}
        fragment C on Query { ${'...D '.repeat(25)}} fragment D on Query { customer(by: {email: "bomb@example.com"}) { id } }`,
    },
    status: 400,
    code: 'LIMIT_EXCEEDED',
    limit: 'nodes',
  },
  'a directive flood': {
    body: { query: `{ ${'__typename @include(if: true) '.repeat(51)}}` },
    status: 400,
    code: 'LIMIT_EXCEEDED',
    limit: 'directives',
    says: /directives limit of 50 exceeded, found 51/i,
  },
  'a cost bomb through a list of ids': {
    body: {
      query: 'query ($ids: [ID!]!) { customers(ids: $ids) { id name { full } emails phones crm { tier } engagement { lists } sources { system status } } }',
      variables: { ids: ids(1000) },
    },
    status: 400,
    code: 'LIMIT_EXCEEDED',
    limit: 'cost',
    says: /cost limit of 5000 exceeded, found \d+/i,
  },
  'a cost bomb through a page size': {
    body: { query: '{ searchCustomers(query: "smith", first: 1000) { edges { node { id name { full } emails crm { tier } sources { status } } } } }' },
    status: 400,
    code: 'LIMIT_EXCEEDED',
    limit: 'cost',
  },
  'a huge id list for customers(ids)': {
    body: { query: 'query ($ids: [ID!]!) { customers(ids: $ids) { id } }', variables: { ids: ids(5000) } },
    status: 400,
    code: 'LIMIT_EXCEEDED',
    limit: 'listSize',
    says: /list size limit of 1000 exceeded, found 5000 in Query\.customers\(ids\)/i,
  },
  'a huge id list for contactEligibility(customerIds) written inline': {
    body: { query: `{ contactEligibility(customerIds: ${JSON.stringify(ids(1500))}, channel: "EMAIL", purpose: "MARKETING") { customerId } }` },
    status: 400,
    code: 'LIMIT_EXCEEDED',
    limit: 'tokens',
  },
  'a huge id list for contactEligibility(customerIds)': {
    body: {
      query: 'query ($ids: [ID!]!) { contactEligibility(customerIds: $ids, channel: "EMAIL", purpose: "MARKETING") { customerId allowed } }',
      variables: { ids: ids(20_000) },
    },
    status: 400,
    code: 'LIMIT_EXCEEDED',
    limit: 'listSize',
    says: /found 20000 in Query\.contactEligibility\(customerIds\)/,
  },
  'a huge list inside an input object': {
    body: {
      query: 'mutation ($changes: [PreferenceChangeInput!]!) { updatePreferences(changes: $changes) { index } }',
      variables: {
        changes: [
          {
            customerId: 'c1',
            topics: Array.from({ length: 2000 }, () => 'NEWSLETTER'),
            capturedAt: new Date().toISOString(),
            source: { system: 'crm', recordId: '003A' },
            actor: { kind: 'AGENT', id: 'agent-7' },
            method: 'CALL',
          },
        ],
      },
    },
    status: 400,
    code: 'LIMIT_EXCEEDED',
    limit: 'listSize',
    says: /changes\[0\]\.topics/,
  },
  'an oversized document within the body limit': {
    body: { query: `{ ${'customer(by: {email: "big@example.com"}) { id } '.repeat(18_000)}}` },
    status: 400,
    code: 'LIMIT_EXCEEDED',
    limit: 'tokens',
  },
  'a body over the 1 MB body limit': { body: { query: `{ ${'__typename '.repeat(120_000)}}` }, status: 413, code: 'PAYLOAD_TOO_LARGE' },
  'a batched array of operations in one body': {
    body: Array.from({ length: 100 }, (_, i) => ({ query: `{ customer(by: {email: "batch${i}@example.com"}) { id } }` })),
    status: 400,
    code: 'BAD_REQUEST',
  },
  'introspection by a caller who is not an admin': {
    body: { query: '{ __schema { types { name fields { name } } } }' },
    status: 403,
    code: 'FORBIDDEN',
    says: /admins only/,
  },
  'introspection hidden behind an alias': { body: { query: '{ t: __type(name: "Customer") { name } }' }, status: 403, code: 'FORBIDDEN' },
});
