import type { AccessRecordDoc } from '../src/access/access-records';
import type { GatewayContext } from './context';

/** `accessLog`: a customer's access records, for compliance officers. */
export const accessResolvers = {
  Query: {
    accessLog: (_parent: unknown, args: { customerId: string; first: number; after?: string | null }, { services }: GatewayContext) =>
      services.accessRecords.list(args.customerId, args.first, args.after ?? null),
  },
  AccessPrincipal: {
    kind: (principal: AccessRecordDoc['principal']) => principal.kind.toUpperCase().replace('-', '_'),
  },
};
