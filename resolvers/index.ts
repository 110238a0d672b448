import type { IResolvers } from '@graphql-tools/utils';
import type { GatewayContext } from './context';
import { scalarResolvers } from './scalars';
import { systemsResolvers } from './systems';

/** Every domain's resolvers, in the order of the schema files. */
export const resolvers: IResolvers<unknown, GatewayContext>[] = [scalarResolvers, systemsResolvers];
