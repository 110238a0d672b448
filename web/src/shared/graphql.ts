import { initGraphQLTada } from 'gql.tada';
import type { introspection } from '../graphql-env';

/**
 * `graphql`, typed by the gateway's schema (web/schema.graphql, generated): a query's
 * variables and result are checked by the TypeScript compiler against the schema.
 */
export const graphql = initGraphQLTada<{
  introspection: introspection;
  scalars: { DateTime: string };
}>();

export type { FragmentOf, ResultOf, VariablesOf } from 'gql.tada';
export { readFragment } from 'gql.tada';
