import type { GatewayContext } from './context';

/** `fieldMatrix`: the newest field-conflict scan (src/systems-map). */
export const fieldMatrixResolvers = {
  Query: {
    fieldMatrix: (_parent: unknown, _args: unknown, { services }: GatewayContext) => services.fieldMatrix.latest(),
  },
};
