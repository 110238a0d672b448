import type { CustomerProfile } from '../src/profile/customer-profile';
import type { SystemStatus } from '../src/systems/system-status';
import type { GatewayContext } from './context';

/** Drift: source consent flags compared with the consent store. */
export const driftResolvers = {
  Customer: {
    consentDrift: (customer: CustomerProfile, _args: unknown, { services }: GatewayContext) =>
      services.consent.consentDrift(customer.id, customer.sourceConsentFlags),
  },
  System: {
    driftCount: (system: SystemStatus, _args: unknown, { services }: GatewayContext) => services.consent.driftCount(system.name),
  },
};
