import type { SystemsService } from './systems/systems-service';
import type { ConsentService } from './consent/consent-service';
import type { IdentityService } from './identity/identity-service';
import type { CustomerSearch } from './identity/customer-search';
import type { ProfileService } from './profile/profile-service';
import type { AccessRecords } from './access/access-records';
import type { CustomerDirectory } from './identity/customer-directory';
import type { PropagationService } from './propagation/propagation-service';
import type { PropagationHistory } from './propagation/propagation-history';
import type { PreferenceLinkIssuer } from './preferences/preference-link-issuer';
import type { FieldScanResults } from './systems-map/field-scan-results';

/**
 * The services resolvers call. Built once per process by the composition root
 * (src/main.ts or a test harness); per-request state (loaders) lives in the context.
 */
export interface Services {
  systems: SystemsService;
  /** The authoritative consent and preference store. */
  consent: ConsentService;
  /** The merged 360-degree profile (src/profile; build with createCustomerServices). */
  profiles: ProfileService;
  /** Candidates, manual links and unlinks on the identity graph. */
  identity: IdentityService;
  /** Search over the identity graph (email, phone, name prefix). */
  customerSearch: CustomerSearch;
  /** The record of personal-data reads (written by the gateway, read by `accessLog`). */
  accessRecords: AccessRecords;
  /** Which customer ids exist and which survive a merge (the access policy checks a customer's own id with it). */
  directory: CustomerDirectory;
  /** The delivery ledger: where each consent change stands with each connected system, and replays. */
  propagation: PropagationService;
  /** Per minute and system: backlog, dead rows, deliveries and lag, over every process (the systems map's chart). */
  propagationHistory: PropagationHistory;
  /** The newest field-conflict scan (the systems map's matrix). */
  fieldMatrix: FieldScanResults;
  /** Preference-centre links for staff and integrations to send to customers. */
  preferenceLinks: PreferenceLinkIssuer;
}
