import type { IResolvers } from '@graphql-tools/utils';
import type { GatewayContext } from './context';
import { scalarResolvers } from './scalars';
import { systemsResolvers } from './systems';
import { consentResolvers } from './consent';
import { customerResolvers } from './customer';
import { identityResolvers } from './identity';
import { driftResolvers } from './drift';
import { accessResolvers } from './access';
import { propagationResolvers } from './propagation';
import { viewerResolvers } from './viewer';
import { preferenceResolvers } from './preferences';
import { fieldMatrixResolvers } from './field-matrix';

/** Every domain's resolvers, in the order of the schema files. */
export const resolvers: IResolvers<unknown, GatewayContext>[] = [
  scalarResolvers,
  accessResolvers,
  systemsResolvers,
  consentResolvers,
  customerResolvers,
  identityResolvers,
  driftResolvers,
  propagationResolvers,
  viewerResolvers,
  fieldMatrixResolvers,
  preferenceResolvers,
];
