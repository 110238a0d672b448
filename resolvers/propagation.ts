import type { SystemStatus } from '../src/systems/system-status';
import type { ReplayFilter } from '../src/propagation/propagation-service';
import type { GatewayContext } from './context';

/** The delivery ledger (`deliveries` on events, customers and systems), `replayDeliveries` and the history behind the systems map's chart. */
export const propagationResolvers = {
  Query: {
    propagationHistory: (_parent: unknown, args: { minutes: number }, { services }: GatewayContext) => services.propagationHistory.read(args.minutes),
  },
  Mutation: {
    replayDeliveries: async (_parent: unknown, args: { filter: ReplayFilter; reason?: string | null }, { services, principal }: GatewayContext) => ({
      requeued: await services.propagation.replay(args.filter, { principalId: principal.id, reason: args.reason ?? null }),
    }),
  },
  ConsentEvent: {
    deliveries: (event: { id: string }, _args: unknown, { services }: GatewayContext) => services.propagation.ofEvent(event.id),
  },
  Customer: {
    deliveries: (customer: { id: string }, args: { first: number }, { services }: GatewayContext) => services.propagation.ofCustomer(customer.id, args.first),
  },
  System: {
    backlog: async (system: SystemStatus, _args: unknown, { services }: GatewayContext) => (await services.propagation.ofSystem(system.name)).backlog,
    oldestPendingAge: async (system: SystemStatus, _args: unknown, { services }: GatewayContext) => {
      const { oldestPendingAt } = await services.propagation.ofSystem(system.name);
      return oldestPendingAt ? (Date.now() - oldestPendingAt.getTime()) / 1000 : null;
    },
    deadCount: async (system: SystemStatus, _args: unknown, { services }: GatewayContext) => (await services.propagation.ofSystem(system.name)).deadCount,
  },
};
