import type { GatewayContext } from './context';
import type { ConsentChangeInput, ChangeEvidenceInput, PreferenceChangeInput } from '../src/consent/consent-inputs';
import type { ConsentHistoryFilter } from '../src/consent/consent-service';
import { changeAuthorOf } from '../src/access/change-author';

/** Consent and preferences: reads, changes, double opt-in, eligibility (src/consent). */
export const consentResolvers = {
  Query: {
    consentHistory: (
      _parent: unknown,
      args: { customerId: string; filter?: ConsentHistoryFilter | null; first?: number | null; after?: string | null },
      { services }: GatewayContext,
    ) => services.consent.consentHistory(args.customerId, args.filter ?? {}, args.first ?? 50, args.after ?? null),
    consentAt: (_parent: unknown, args: { customerId: string; at: Date; knownAt?: Date | null }, { services }: GatewayContext) =>
      services.consent.consentAt(args.customerId, args.at, args.knownAt ?? null),
    contactEligibility: (
      _parent: unknown,
      args: { customerIds: string[]; channel: string; purpose: string; contactPoint?: string | null },
      { services }: GatewayContext,
    ) => services.consent.contactEligibility(args.customerIds, args.channel, args.purpose, args.contactPoint ?? null),
    consentVocabulary: (_parent: unknown, _args: unknown, { services }: GatewayContext) => services.consent.vocabularyNames(),
  },
  Mutation: {
    recordConsent: (_parent: unknown, args: { changes: ConsentChangeInput[] }, { services, principal, request }: GatewayContext) =>
      services.consent.recordConsent(args.changes, changeAuthorOf(principal, request)),
    updatePreferences: (_parent: unknown, args: { changes: PreferenceChangeInput[] }, { services, principal, request }: GatewayContext) =>
      services.consent.updatePreferences(args.changes, changeAuthorOf(principal, request)),
    confirmDoubleOptIn: (_parent: unknown, args: { token: string; evidence?: ChangeEvidenceInput | null }, { services, principal, request }: GatewayContext) =>
      services.consent.confirmDoubleOptIn(args.token, args.evidence ?? null, changeAuthorOf(principal, request)),
  },
  Subscription: {
    // The iterator yields the payload itself (or the GatewayError that ends it), so each field resolves to what it was sent.
    consentChanged: {
      subscribe: (_parent: unknown, args: { customerId: string }, { services }: GatewayContext) => services.consent.consentChanges(args.customerId),
      resolve: (payload: unknown) => payload,
    },
    consentEvents: {
      subscribe: (_parent: unknown, args: { after?: string | null }, { services }: GatewayContext) => services.consent.consentEventsFrom(args.after ?? null),
      resolve: (payload: unknown) => payload,
    },
  },
  Customer: {
    consents: (parent: { id: string }, _args: unknown, { services }: GatewayContext) => services.consent.currentConsents(parent.id),
    preferences: (parent: { id: string }, _args: unknown, { services }: GatewayContext) => services.consent.currentPreferences(parent.id),
  },
};
