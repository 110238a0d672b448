import { MapperKind, mapSchema } from '@graphql-tools/utils';
import {
  defaultFieldResolver,
  getNamedType,
  getNullableType,
  isInputObjectType,
  isListType,
  type GraphQLFieldResolver,
  type GraphQLInputType,
  type GraphQLSchema,
} from 'graphql';
import { ErrorCode } from '../errors/error-codes';
import { GatewayError } from '../errors/gateway-error';
import type { CustomerDirectory } from '../identity/customer-directory';
import type { FieldAccess } from './field-access';
import type { Principal } from './principal';

/** What the guard needs from a request's context: who asks, and the directory that follows merges. */
export interface AccessContext {
  principal: Principal;
  services: { directory: CustomerDirectory };
}

/** FORBIDDEN for `coordinate`, naming the field and the caller's roles (never their credential). */
function forbidden(principal: Principal, coordinate: string, why: string): GatewayError {
  return new GatewayError(ErrorCode.FORBIDDEN, `${coordinate}: ${why} (role${principal.roles.length === 1 ? '' : 's'} ${principal.roles.join(', ')}).`, {
    extensions: { field: coordinate, roles: [...principal.roles] },
  });
}

/**
 * Whether every customer id in `ids` is the customer's own: the id itself, or an id the
 * directory resolves to the same survivor (a link issued before a merge still works,
 * and an id merged into the customer is theirs).
 */
async function allOwn(directory: CustomerDirectory, own: string, ids: readonly unknown[]): Promise<boolean> {
  const others = [...new Set(ids)].filter((id) => id !== own);
  if (others.length === 0) return true;
  if (others.some((id) => typeof id !== 'string')) return false;
  const [survivor, ...resolved] = await Promise.all([own, ...(others as string[])].map((id) => directory.resolveId(id)));
  return survivor !== null && resolved.every((id) => id === survivor);
}

/** The restricted input fields (`Type.field`) set anywhere in `value` of `type`. */
function setInputFields(type: GraphQLInputType, value: unknown, restricted: ReadonlySet<string>, found: Set<string>): void {
  if (value == null) return;
  const nullable = getNullableType(type);
  if (isListType(nullable)) {
    for (const item of value as unknown[]) setInputFields(nullable.ofType, item, restricted, found);
    return;
  }
  if (!isInputObjectType(nullable)) return;
  for (const [name, field] of Object.entries(nullable.getFields())) {
    const fieldValue = (value as Record<string, unknown>)[name];
    if (fieldValue === undefined) continue;
    if (restricted.has(`${nullable.name}.${name}`) && fieldValue !== null) found.add(`${nullable.name}.${name}`);
    setInputFields(field.type, fieldValue, restricted, found);
  }
}

/** Whether a restricted input field can occur anywhere under `type` (so its arguments are worth walking). */
function mayHold(type: GraphQLInputType, restricted: ReadonlySet<string>, seen = new Set<string>()): boolean {
  const named = getNamedType(type);
  if (!isInputObjectType(named) || seen.has(named.name)) return false;
  seen.add(named.name);
  return Object.values(named.getFields()).some((field) => restricted.has(`${named.name}.${field.name}`) || mayHold(field.type, restricted, seen));
}

/**
 * Applies the access policy to every field of the schema, once, at build: each field's
 * resolver (the default one included) first checks the caller's roles. A field the
 * caller may not read answers its FORBIDDEN error, so graphql-js sets it to null with
 * the error at its path and answers the rest; its own resolver never runs, so a
 * withheld root field writes nothing and calls no source, and a withheld profile field
 * loads no profile. A root field also checks, for a customer, that every customer id
 * its arguments name is their own, and for everyone, that they may set the restricted
 * input fields they sent (an import's `actor`).
 */
export function applyAccessPolicy(schema: GraphQLSchema, access: FieldAccess): GraphQLSchema {
  const roots = new Set([schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].map((type) => type?.name));
  const restricted = new Set(Object.keys(access.policy.restrictedInputs));
  return mapSchema(schema, {
    [MapperKind.OBJECT_FIELD]: (config, fieldName, typeName) => {
      const coordinate = `${typeName}.${fieldName}`;
      const allowed = access.rolesFor(coordinate);
      const isRoot = roots.has(typeName);
      const ownCustomer = access.ownCustomerArguments(coordinate);
      const restrictedArgs = Object.entries(config.args ?? {}).filter(([, arg]) => mayHold(arg.type, restricted));

      /** The refusal for this call, or undefined when it may go ahead (a promise only when the directory must be asked). */
      const refusal = (args: Record<string, unknown>, context: AccessContext): GatewayError | undefined | Promise<GatewayError | undefined> => {
        const { principal } = context;
        if (!principal.roles.some((role) => allowed.has(role))) return forbidden(principal, coordinate, isRoot ? 'not available to the caller' : 'withheld from the caller');
        if (!isRoot) return undefined;
        const found = new Set<string>();
        for (const [name, arg] of restrictedArgs) setInputFields(arg.type, args[name], restricted, found);
        for (const input of found) {
          const may = access.policy.restrictedInputs[input]!;
          if (!principal.roles.some((role) => role === 'admin' || may.includes(role))) {
            return forbidden(principal, coordinate, `only ${[...may, 'admin'].join(', ')} may set ${input}; leave it out and the caller is recorded`);
          }
        }
        if (principal.customerId === undefined) return undefined;
        const ids = ownCustomer?.(args) ?? null;
        if (ids === null) return forbidden(principal, coordinate, 'a customer may ask only about themselves, by their own customer id');
        return allOwn(context.services.directory, principal.customerId, ids).then((own) =>
          own ? undefined : forbidden(principal, coordinate, "a customer may read and change only their own consents and preferences; another customer's id was given"),
        );
      };

      const guard = (resolve: GraphQLFieldResolver<unknown, AccessContext>): GraphQLFieldResolver<unknown, AccessContext> => (source, args, context, info) => {
        const refused = refusal(args, context);
        if (refused instanceof Promise) return refused.then((error) => error ?? resolve(source, args, context, info));
        return refused ?? resolve(source, args, context, info);
      };
      return {
        ...config,
        resolve: guard((config.resolve ?? defaultFieldResolver) as GraphQLFieldResolver<unknown, AccessContext>),
        ...(config.subscribe && { subscribe: guard(config.subscribe as GraphQLFieldResolver<unknown, AccessContext>) }),
      };
    },
  });
}
