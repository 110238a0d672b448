import type { GatewayContext } from './context';

/** `systems`: the connected source systems and their health. */
export const systemsResolvers = {
  Query: {
    systems: (_parent: unknown, _args: unknown, { services }: GatewayContext) => services.systems.list(),
  },
};
