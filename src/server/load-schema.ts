import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { makeExecutableSchema } from '@graphql-tools/schema';
import type { GraphQLSchema } from 'graphql';
import { resolvers } from '../../resolvers';
import { applyAccessPolicy } from '../access/apply-access-policy';
import { FieldAccess } from '../access/field-access';
import { accessPolicy, type AccessPolicy } from '../access/policy';

/** The SDL folder: one file per domain. */
export const schemaDir = path.resolve(__dirname, '..', '..', 'schema');

/** The gateway's schema, with the access policy it enforces. */
export interface GatewaySchema {
  /** Every field guarded by the policy. */
  schema: GraphQLSchema;
  /** The policy compiled against the schema (what each role may read). */
  access: FieldAccess;
}

/** Joins every `schema/*.graphql` file (base first, then by name) with the resolvers, without access control. */
export function loadUnguardedSchema(dir: string = schemaDir): GraphQLSchema {
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

/** The schema every request runs against: {@link loadUnguardedSchema} with `policy` applied to every field. */
export function loadSchema(dir: string = schemaDir, policy: AccessPolicy = accessPolicy): GatewaySchema {
  const unguarded = loadUnguardedSchema(dir);
  const access = new FieldAccess(policy, unguarded);
  return { schema: applyAccessPolicy(unguarded, access), access };
}
