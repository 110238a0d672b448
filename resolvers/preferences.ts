import type { GatewayContext } from './context';

/** Preference-centre links for staff and integrations to send to customers. */
export const preferenceResolvers = {
  Mutation: {
    createPreferenceLink: (_parent: unknown, args: { customerId: string; purpose: string }, { services }: GatewayContext) =>
      services.preferenceLinks.createLink(args.customerId, args.purpose),
  },
};
