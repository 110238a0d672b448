import type { SourceAdapter } from './adapters/source-adapter';
import { ConsentService, type ConsentServiceOptions } from './consent/consent-service';
import type { IdentityConfig } from './identity/identity-config';
import { createCustomerServices, type CustomerServices } from './profile/create-customer-services';
import type { ProfileConfig } from './profile/profile-config';
import type { Services } from './services';
import { createLogger } from './observability/logger';

const silentLogger = createLogger({ level: 'silent' });
import type { MongoStore } from './store/mongo-store';
import { SystemsService } from './systems/systems-service';
import { LinkedRecords } from './identity/linked-records';
import { createPropagation, type Propagation, type PropagationOptions } from './propagation/create-propagation';
import { PreferenceLinks } from './access/preference-link';
import { PreferenceLinkIssuer } from './preferences/preference-link-issuer';
import { OneClickUnsubscribe } from './preferences/one-click-unsubscribe';
import { FieldScanResults } from './systems-map/field-scan-results';
import { createFieldScanner, type FieldScanner, type FieldScannerOptions } from './systems-map/field-scanner';

/** Options of {@link composeServices}. */
export interface ComposeServicesOptions {
  store: MongoStore;
  /** The connected systems, in configuration order. */
  adapters: readonly SourceAdapter[];
  /** Matching rules and phone normalisation. @default the identity defaults */
  identity?: IdentityConfig;
  /** Merge rules and source budgets. @default the profile defaults */
  profile?: ProfileConfig;
  /** Delivery, polling and webhook settings, and where propagation logs. @default silent, the defaults */
  propagation?: Omit<PropagationOptions, 'store' | 'adapters' | 'consent' | 'records' | 'logger'> & { logger?: PropagationOptions['logger'] };
  /** How this process reads the subscriptions' feed. @default the consent store's defaults */
  consentFeed?: ConsentServiceOptions['feed'];
  /** The systems map's field scan: interval, sample, where it logs. @default every 10 minutes, 500 customers, silent */
  fieldScan?: Pick<FieldScannerOptions, 'intervalMs' | 'sampleSize' | 'firstRunAfterMs'> & { logger?: FieldScannerOptions['logger'] };
  /** The gateway's public base URL, without a trailing slash, for the links it makes (read when a link is made). @default http://localhost:4000 */
  publicUrl?: () => string;
}

/** Every service, plus the parts the process runs beside requests (backfill, sweeper). */
export interface ComposedServices {
  /** Every service but the access records, which come with the process's access parts (src/access/create-access.ts). */
  services: Omit<Services, 'accessRecords'>;
  customers: CustomerServices;
  consent: ConsentService;
  /** Delivery to the systems and changes taken in from them; its loops start with `propagation.start()`. */
  propagation: Propagation;
  /** The systems map's periodic field-conflict scan; its loop starts with `fieldScanner.start()`, `runOnce()` scans now. */
  fieldScanner: FieldScanner;
  /** RFC 8058 one-click unsubscribes (the gateway's `/preferences/unsubscribe`). */
  unsubscribe: OneClickUnsubscribe;
}

/**
 * Wires the services to each other once per process: the identity graph tells the
 * consent store which customers exist (and which survive a merge), consent lists a
 * customer's consents for unlink reports, and every consent event gets an outbox row
 * per connected system other than its source.
 */
export function composeServices({
  store,
  adapters,
  identity,
  profile,
  consentFeed,
  propagation: propagationOptions = {},
  fieldScan: { logger: fieldScanLogger = silentLogger, ...fieldScanSettings } = {},
  publicUrl = () => 'http://localhost:4000',
}: ComposeServicesOptions): ComposedServices {
  const systemNames = adapters.map((adapter) => adapter.name);
  // The two services refer to each other: the callbacks below run only after `consent` exists.
  const customers = createCustomerServices({
    store,
    adapters,
    identity,
    profile,
    onCustomersCreated: (ids) => consent.registerCustomers(ids),
    listConsents: (customerId) => consent.currentConsents(customerId),
    listConsentEvents: async (customerId, since) =>
      (await consent.eventsRecordedSince(customerId, since)).map((event) => ({
        eventId: event.id,
        kind: event.kind,
        channel: event.consent?.channel ?? null,
        purpose: event.consent?.purpose ?? null,
        status: event.consent?.to ?? null,
        capturedAt: event.capturedAt,
        recordedAt: event.recordedAt,
      })),
  });
  const consent = new ConsentService({ store, directory: customers.directory, connectedSystems: () => systemNames, feed: consentFeed });
  const { logger = silentLogger, ...propagationSettings } = propagationOptions;
  const propagation = createPropagation({ store, adapters, consent, records: new LinkedRecords(customers.graph), logger, ...propagationSettings });
  const fieldMatrix = new FieldScanResults(store);
  // Links are checked against the secret in the store, so this process's links and the authenticator's agree.
  const links = new PreferenceLinks(store);
  return {
    customers,
    consent,
    propagation,
    fieldScanner: createFieldScanner({ store, graph: customers.graph, profiles: customers.profiles, adapters, results: fieldMatrix, logger: fieldScanLogger, ...fieldScanSettings }),
    unsubscribe: new OneClickUnsubscribe({ links, consent }),
    services: {
      propagation: propagation.service,
      propagationHistory: propagation.history,
      fieldMatrix,
      preferenceLinks: new PreferenceLinkIssuer({ links, directory: customers.directory, purposes: consent.vocabulary.purposes, publicUrl }),
      systems: new SystemsService(adapters),
      consent,
      profiles: customers.profiles,
      identity: customers.identity,
      customerSearch: customers.customerSearch,
      directory: customers.directory,
    },
  };
}
