import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { makeExecutableSchema } from '@graphql-tools/schema';
import type { GraphQLSchema } from 'graphql';
import { resolvers } from '../../resolvers';

/** The SDL folder: one file per domain. */
export const schemaDir = path.resolve(__dirname, '..', '..', 'schema');

/** Joins every `schema/*.graphql` file (base first, then by name) with the resolvers. */
export function loadSchema(dir: string = schemaDir): GraphQLSchema {
  const files = readdirSync(dir)
    .filter((file) => file.endsWith('.graphql'))
    .sort((a, b) => (a === 'base.graphql' ? -1 : b === 'base.graphql' ? 1 : a.localeCompare(b)));
  const typeDefs = files.map((file) => readFileSync(path.join(dir, file), 'utf8'));
  // Every domain file uses `extend type Mutation` / `Subscription`; an empty root type is
  // invalid GraphQL, so a root is declared only once some file extends it.
  for (const root of ['Mutation', 'Subscription']) {
    if (typeDefs.some((sdl) => new RegExp(`extend\\s+type\\s+${root}\\b`).test(sdl))) typeDefs.push(`type ${root}`);
  }
  return makeExecutableSchema({ typeDefs, resolvers, resolverValidationOptions: { requireResolversToMatchSchema: 'error' } });
}
