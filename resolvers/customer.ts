import type { CustomerLookup } from '../src/identity/identity-resolver';
import type { CustomerProfile } from '../src/profile/customer-profile';
import type { EngagementView } from '../src/adapters/source-adapter';
import { profileView } from '../src/profile/profile-view';
import type { GatewayContext } from './context';

/** A `Customer` parent: a loaded profile, or just an id (search results, mutations) whose profile loads on demand. */
type CustomerParent = CustomerProfile | { id: string };

/** The parent's profile: itself when loaded, else through the request's batched loader. */
async function profileOf(parent: CustomerParent, context: GatewayContext): Promise<CustomerProfile> {
  if ('sources' in parent) return parent;
  const profile = await context.loaders.profiles.load(parent.id);
  if (!profile) throw new Error(`Customer ${parent.id} has no profile`); // ids come from the graph: cannot happen
  return profile;
}

/** A `Customer` field read from the merged profile. */
const field =
  <K extends keyof CustomerProfile>(name: K) =>
  async (parent: CustomerParent, _args: unknown, context: GatewayContext) =>
    (await profileOf(parent, context))[name];

/** A view field: null with a SOURCE_UNAVAILABLE error when its source failed. */
const view =
  (name: 'crm' | 'engagement' | 'identity') =>
  async (parent: CustomerParent, _args: unknown, context: GatewayContext) =>
    profileView(await profileOf(parent, context), name);

/** `customer`, `customers`, `searchCustomers` and the merged `Customer` fields. */
export const customerResolvers = {
  Query: {
    customer: (_parent: unknown, { by }: { by: CustomerLookup }, { services, loaders }: GatewayContext) => services.profiles.customer(by, loaders),
    customers: (_parent: unknown, { ids }: { ids: string[] }, { services }: GatewayContext) => services.profiles.customers(ids),
    searchCustomers: (_parent: unknown, args: { query: string; first: number; after?: string | null }, { services }: GatewayContext) =>
      services.customerSearch.search(args.query, args.first, args.after),
  },
  Customer: {
    name: field('name'),
    emails: field('emails'),
    phones: field('phones'),
    addresses: field('addresses'),
    birthDate: field('birthDate'),
    locale: field('locale'),
    crm: view('crm'),
    engagement: view('engagement'),
    identity: view('identity'),
    sourceRecords: field('sourceRecords'),
    provenance: field('provenance'),
    conflicts: field('conflicts'),
    sources: field('sources'),
    /** Drift: this customer's source flags against the consent store (the store stays the answer). */
    consentDrift: async (parent: CustomerParent, _args: unknown, context: GatewayContext) => {
      const profile = await profileOf(parent, context);
      return context.services.consent.consentDrift(profile.id, profile.sourceConsentFlags);
    },
  },
  EngagementView: {
    lists: (engagement: EngagementView) => engagement.lists ?? [],
    interests: (engagement: EngagementView) => engagement.interests ?? [],
  },
};
