import type { SystemStatus } from '../src/systems/system-status';
import type { GatewayContext } from './context';

/** Drift per system: how many customers a source still disagrees with the store about (`Customer.consentDrift` is in customer.ts). */
export const driftResolvers = {
  System: {
    driftCount: (system: SystemStatus, _args: unknown, { services }: GatewayContext) => services.consent.driftCount(system.name),
    driftByChannel: (system: SystemStatus, _args: unknown, { services }: GatewayContext) => services.consent.driftByChannel(system.name),
  },
};
