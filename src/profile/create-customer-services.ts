import type { SourceAdapter } from '../adapters/source-adapter';
import type { ConsentEventLister, ConsentLister } from '../identity/consent-lister';
import { CustomerSearch } from '../identity/customer-search';
import { GraphCustomerDirectory } from '../identity/graph-customer-directory';
import type { IdentityConfig } from '../identity/identity-config';
import { IdentityGraph } from '../identity/identity-graph';
import { IdentityResolver } from '../identity/identity-resolver';
import { IdentityService } from '../identity/identity-service';
import { defaultMatchRules } from '../identity/matching-rules';
import { RecordLinker } from '../identity/record-linker';
import { collectionNames } from '../store/collections';
import type { MongoStore } from '../store/mongo-store';
import { StoredSecret, type SecretDoc } from '../store/stored-secret';
import { defaultMergeConfig } from './merge-config';
import type { ProfileConfig } from './profile-config';
import { ProfileService } from './profile-service';

/** Options of {@link createCustomerServices}. */
export interface CustomerServicesOptions {
  store: MongoStore;
  /** The connected systems. */
  adapters: readonly SourceAdapter[];
  /** Matching rules and phone normalisation. @default defaultMatchRules, GB, valid numbers only */
  identity?: IdentityConfig;
  /** Merge rules and source budgets. @default defaultMergeConfig, 1500 ms per source */
  profile?: ProfileConfig;
  /** Told of every customer the graph creates (wire consent's `registerCustomers`). @default none */
  onCustomersCreated?: (ids: string[]) => Promise<void> | void;
  /** Lists a customer's consents for unlink reports (wire the consent service's reader). @default none */
  listConsents?: ConsentLister;
  /** Lists consent events recorded since a time, for the review after an undone merge (wire the consent service's reader). @default none */
  listConsentEvents?: ConsentEventLister;
}

/** The identity and profile services, built over one graph (the composition root calls this once). */
export interface CustomerServices {
  graph: IdentityGraph;
  /** Pass to the consent service: follows merges, null for an unknown id. */
  directory: GraphCustomerDirectory;
  resolver: IdentityResolver;
  identity: IdentityService;
  profiles: ProfileService;
  customerSearch: CustomerSearch;
}

/** Builds the identity graph, resolver, steward operations, profile service and search with one configuration. */
export function createCustomerServices(options: CustomerServicesOptions): CustomerServices {
  const { store, adapters, onCustomersCreated, listConsents, listConsentEvents } = options;
  const identityConfig = options.identity ?? { rules: defaultMatchRules, phone: { defaultRegion: 'GB', strictness: 'valid' } };
  const phone = identityConfig.phone;
  const graph = new IdentityGraph({ store });
  const linker = new RecordLinker({ graph, rules: identityConfig.rules, phone });
  const resolver = new IdentityResolver({ graph, linker, phone, onCustomersCreated });
  return {
    graph,
    directory: new GraphCustomerDirectory(graph),
    resolver,
    identity: new IdentityService({ graph, phone, onCustomersCreated, listConsents, listConsentEvents }),
    profiles: new ProfileService({
      graph,
      resolver,
      adapters,
      phone,
      mergeConfig: options.profile?.mergeConfig ?? defaultMergeConfig,
      budgets: options.profile?.budgets,
    }),
    customerSearch: new CustomerSearch({
      graph,
      phone,
      cursorSecret: new StoredSecret(store.collection<SecretDoc>(collectionNames.identitySettings), 'search-cursor-secret'),
    }),
  };
}
