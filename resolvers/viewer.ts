import type { GatewayContext } from './context';

/** `viewer`: the request's principal, as the schema shows it. */
export const viewerResolvers = {
  Query: {
    viewer: (_parent: unknown, _args: unknown, { principal }: GatewayContext) => ({
      id: principal.id,
      kind: principal.kind.toUpperCase().replace('-', '_'),
      roles: principal.roles,
      customerId: principal.customerId ?? null,
    }),
  },
};
