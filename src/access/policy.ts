import type { Role } from './roles';

/**
 * The customer ids a root field's arguments name, for a customer principal: every one
 * must be the customer's own (following merges). Null: the arguments name the customer
 * in a way that cannot be checked without a lookup (an email, a phone), so FORBIDDEN.
 */
export type CustomerIdsOf = (args: Readonly<Record<string, unknown>>) => readonly unknown[] | null;

/** Who may use what: the rules src/access/field-access.ts compiles and the schema applies to every field. */
export interface AccessPolicy {
  /**
   * Per object type, per field: the roles that may read it (on `Query` and `Mutation`:
   * use it). `admin` may use every field that has a rule; a field without a rule is
   * denied to everyone, admins included, and a test fails until it has one.
   */
  readonly fields: Readonly<Record<string, Readonly<Record<string, readonly Role[]>>>>;
  /** Roles that never see a field the schema marks `@personal`, whatever `fields` says. */
  readonly neverPersonal: readonly Role[];
  /** Per root field a customer may use (`Query.consentHistory`): the customer ids its arguments name. */
  readonly ownCustomerArguments: Readonly<Record<string, CustomerIdsOf>>;
  /** Input fields (`ConsentChangeInput.actor`) only these roles may set; anyone else is FORBIDDEN and nothing runs. */
  readonly restrictedInputs: Readonly<Record<string, readonly Role[]>>;
}

// --- Who reads what (admin is implied everywhere) ------------------------------
const agent: Role = 'support-agent';
const app: Role = 'internal-app';
const offers: Role = 'offer-engine';
const steward: Role = 'data-steward';
const compliance: Role = 'compliance-officer';
const customer: Role = 'customer';

/** Everyone holding a role: open reads such as the consent vocabulary. */
const everyone = [agent, app, offers, steward, compliance, customer] as const;
/** Who reaches a customer at all (by id, or through a search or an unlink for staff). */
const customerReaders = [agent, app, offers, steward, compliance, customer] as const;
/** Who reads the merged profile: who the person is and where each value came from. */
const profileReaders = [agent, app, steward] as const;
/** Who reads current consents and preferences (the offer engine without contact points). */
const consentReaders = [agent, app, offers, steward, compliance, customer] as const;
/** Who reads the consent log: every change, its evidence and who sent it. */
const historyReaders = [agent, app, compliance, customer] as const;
/** Who records consent and preference changes. */
const consentWriters = [agent, app, customer] as const;
/** Who sees where sources disagree with the consent store. */
const driftReaders = [agent, steward, compliance] as const;
/** Who reads the identity graph's history and what a merge undone left to review. */
const identityReaders = [steward, compliance] as const;
/** Who looks people up by what they typed (email, phone, name). */
const searchers = [agent, steward] as const;
/** Who sees the connected systems and their health. */
const operators = [agent, app, steward, compliance] as const;
/** The CRM's and the ESP's own views: service and integration only. */
const serviceViews = [agent, app] as const;
/** Who sees where each consent change stands with each connected system. */
const deliveryReaders = [agent, app, steward, compliance] as const;
/** Who reads who read a customer's personal data. */
const accessLogReaders = [compliance] as const;
/** Only admins (the rule names no other role). */
const adminOnly = [] as const;

/** Gives every listed field the same roles. */
function same(roles: readonly Role[], ...fields: string[]): Record<string, readonly Role[]> {
  return Object.fromEntries(fields.map((field) => [field, roles]));
}

/** The customer's own id in `customerId`. */
const customerIdArgument: CustomerIdsOf = (args) => [args.customerId];
/** The customer ids of every change of a `changes` list. */
const changesArgument: CustomerIdsOf = (args) => ((args.changes as { customerId?: unknown }[] | undefined) ?? []).map((change) => change.customerId);

/**
 * The gateway's access policy, deny by default. The matrix is in README.md ("Access");
 * test/access checks it names every field of the schema and nothing else, and that the
 * answers over HTTP follow it for every role.
 */
export const accessPolicy: AccessPolicy = Object.freeze<AccessPolicy>({
  fields: {
    // --- Root fields ------------------------------------------------------------
    Query: {
      customer: [agent, app, steward, compliance, customer],
      // By id only: a lookup by email or phone would tell the offer engine who holds them.
      customers: [agent, app, offers, steward, compliance],
      searchCustomers: searchers,
      consentHistory: historyReaders,
      consentAt: [compliance],
      contactEligibility: [offers, app, agent, compliance],
      consentVocabulary: everyone,
      identityCandidates: [steward],
      identityHistory: identityReaders,
      systems: operators,
      // The systems map: computed over the population, no person's data.
      fieldMatrix: operators,
      propagationHistory: operators,
      accessLog: accessLogReaders,
      viewer: everyone,
    },
    Subscription: {
      // Live history: whoever reads a customer's consent history (a customer only their own, below).
      consentChanged: historyReaders,
      // Every customer's changes as they happen: an integration's feed, to mirror or react to them.
      // People read history customer by customer (support, compliance, each one with a reason);
      // a firehose of everyone would bypass that, so it is internal-app's (and admin's) only.
      consentEvents: [app],
    },
    Mutation: {
      ...same(consentWriters, 'recordConsent', 'updatePreferences'),
      // The token is the proof: it went to the person's own address.
      confirmDoubleOptIn: [customer, app],
      ...same([steward], 'resolveCandidate', 'linkRecords', 'unlinkRecord'),
      replayDeliveries: [steward],
      // Staff and integrations send a customer their link; the link itself grants only that customer's own.
      createPreferenceLink: [agent, app],
    },

    // --- The profile --------------------------------------------------------------
    Customer: {
      id: customerReaders,
      ...same(profileReaders, 'name', 'emails', 'phones', 'addresses', 'birthDate', 'identity', 'sourceRecords', 'provenance', 'conflicts', 'sources'),
      locale: [agent, app, steward, offers],
      ...same(serviceViews, 'crm', 'engagement'),
      ...same(consentReaders, 'consents', 'preferences'),
      consentDrift: driftReaders,
      deliveries: deliveryReaders,
    },
    CustomerName: same(profileReaders, 'given', 'family', 'full'),
    CustomerAddress: same(profileReaders, 'line1', 'line2', 'city', 'region', 'postalCode', 'country'),
    CrmView: same(serviceViews, 'accountName', 'ownerName', 'tier', 'lifetimeValue', 'openOpportunities', 'openCases'),
    EngagementView: same(serviceViews, 'lists', 'subscriptionStatus', 'lastChangedAt', 'interests'),
    IdentityView: same(profileReaders, 'username', 'active', 'lastLoginAt'),
    CustomerSourceRecord: same(profileReaders, 'system', 'recordId', 'updatedAt'),
    FieldProvenance: same(profileReaders, 'field', 'system', 'recordId', 'updatedAt', 'rule'),
    FieldConflict: same(profileReaders, 'field', 'values', 'winner', 'reason'),
    ConflictValue: same(profileReaders, 'system', 'recordId', 'value', 'updatedAt'),
    CustomerSourceStatus: same(profileReaders, 'system', 'status', 'latencyMs', 'error'),
    CustomerConnection: same(searchers, 'edges', 'pageInfo'),
    CustomerEdge: same(searchers, 'cursor', 'node', 'matchedOn'),
    CustomerPageInfo: same(searchers, 'hasNextPage', 'endCursor'),

    // --- Consent ------------------------------------------------------------------
    Consent: {
      ...same(consentReaders, 'channel', 'purpose', 'status', 'recordedStatus', 'capturedAt', 'expiresAt', 'source', 'eventId'),
      contactPoint: [agent, app, steward, compliance, customer],
    },
    ConsentSource: same(consentReaders, 'system', 'recordId'),
    Preferences: same(consentReaders, 'topics', 'frequency', 'preferredChannel', 'language', 'updatedAt'),
    ContactEligibility: { ...same([offers, app, agent, compliance], 'customerId', 'allowed', 'reason'), excludedContactPoints: [app, agent, compliance] },
    ConsentVocabulary: same(everyone, 'channels', 'purposes', 'topics', 'frequencies', 'channelRules'),
    ConsentChannelRule: same(everyone, 'channel', 'doubleOptIn'),
    ConsentEventConnection: same(historyReaders, 'edges', 'pageInfo'),
    ConsentEventEdge: same(historyReaders, 'cursor', 'node'),
    ConsentEventAtPosition: same([app], 'position', 'event'),
    ConsentPageInfo: same(historyReaders, 'hasNextPage', 'endCursor'),
    ConsentEvent: {
      ...same(historyReaders, 'id', 'customerId', 'seq', 'kind', 'consent', 'preferences', 'capturedAt', 'recordedAt', 'source', 'actor'),
      ...same(historyReaders, 'method', 'legalBasis', 'evidence', 'idempotencyKey', 'current'),
      // Which key or which member of staff sent a change is the organisation's business, not the customer's.
      recordedBy: [agent, app, compliance],
      // Where a change went is the organisation's plumbing, not the customer's business.
      deliveries: [agent, app, compliance],
    },
    RecordedBy: same([agent, app, compliance], 'id', 'kind', 'roles'),
    ConsentChange: same(historyReaders, 'channel', 'purpose', 'contactPoint', 'from', 'to', 'expiresAt'),
    PreferenceChange: same(historyReaders, 'from', 'to'),
    PreferenceValues: same(historyReaders, 'topics', 'frequency', 'preferredChannel', 'language'),
    Actor: same(historyReaders, 'kind', 'id'),
    Evidence: same(historyReaders, 'noticeVersion', 'textShown', 'ip', 'userAgent', 'locale'),
    ConsentChangeResult: {
      ...same(consentWriters, 'index', 'customerId', 'eventId', 'current', 'replayed', 'error'),
      // The token proves the person read the message it was sent in: never to the customer's own link.
      confirmationToken: [agent, app],
    },
    ChangeError: same(consentWriters, 'code', 'message', 'field'),
    SourceConsentDrift: same(driftReaders, 'system', 'recordId', 'disagreements'),
    ConsentDisagreement: same(driftReaders, 'channel', 'purpose', 'contactPoint', 'sourceStatus', 'storeStatus'),

    // --- The identity graph -----------------------------------------------------------
    IdentityCandidate: same([steward], 'id', 'customerIds', 'status', 'record', 'clashingKeys', 'createdAt', 'decidedAt', 'decidedBy', 'decisionReason'),
    CustomerSourceRecordRef: same(identityReaders, 'system', 'recordId'),
    AccessRecordConnection: same(accessLogReaders, 'edges', 'pageInfo'),
    AccessRecordEdge: same(accessLogReaders, 'cursor', 'node'),
    AccessRecordPageInfo: same(accessLogReaders, 'hasNextPage', 'endCursor'),
    AccessRecord: same(accessLogReaders, 'at', 'principal', 'operationName', 'requestId', 'purpose', 'customerIds', 'fields'),
    AccessPrincipal: same(accessLogReaders, 'id', 'kind', 'roles'),
    Viewer: same(everyone, 'id', 'kind', 'roles', 'customerId'),
    IdentityEvent: same(identityReaders, 'id', 'type', 'customerIds', 'records', 'rule', 'actor', 'reason', 'at', 'undoneMerge', 'toReview'),
    UndoneMerge: same(identityReaders, 'restoredId', 'survivorId', 'mergedAt', 'mergedBy'),
    MergeReview: same(identityReaders, 'records', 'consentEvents'),
    ConsentEventToReview: same(identityReaders, 'eventId', 'kind', 'channel', 'purpose', 'status', 'capturedAt', 'recordedAt'),
    UnlinkResult: same([steward], 'original', 'split', 'movedKeyKinds', 'consents', 'undoneMerge', 'toReview'),
    UnlinkConsentReport: same([steward], 'original', 'split'),
    UnlinkedConsent: same([steward], 'channel', 'purpose', 'status', 'contactPoint'),

    // --- Systems ----------------------------------------------------------------------
    System: { ...same(operators, 'name', 'dialect', 'fields', 'health', 'driftCount', 'driftByChannel', 'backlog', 'oldestPendingAge', 'deadCount'), baseUrl: adminOnly },
    ChannelDrift: same(operators, 'channel', 'purpose', 'customers'),
    FieldMatrix: same(operators, 'scannedAt', 'customersScanned', 'customersSkipped', 'fields'),
    FieldStats: same(operators, 'field', 'conflictRate', 'conflicts', 'systems'),
    FieldSystemStats: same(operators, 'system', 'provides', 'held', 'wins'),
    PropagationSample: same(operators, 'minute', 'system', 'backlog', 'dead', 'delivered', 'lagP50Seconds', 'lagP99Seconds', 'processes'),
    SystemHealth: same(operators, 'status', 'circuit', 'lastError', 'recentLatencyMs', 'apiUsage'),
    ApiUsage: same(operators, 'used', 'limit'),
    Delivery: same(deliveryReaders, 'eventId', 'customerId', 'system', 'status', 'attempts', 'queuedAt', 'nextAttemptAt', 'deliveredAt', 'lastError', 'supersededBy', 'note', 'records'),
    ReplayResult: same([steward], 'requeued'),

    // --- The preference centre ----------------------------------------------------------
    PreferenceLink: same([agent, app], 'url', 'unsubscribeUrl', 'expiresAt', 'purpose'),
  },
  neverPersonal: [offers],
  ownCustomerArguments: {
    // By id only: an email or a phone would need a lookup (and its upstream calls) to check.
    'Query.customer': (args) => {
      const by = (args.by ?? {}) as Record<string, unknown>;
      return Object.keys(by).every((key) => key === 'id' || by[key] == null) ? [by.id] : null;
    },
    'Query.consentHistory': customerIdArgument,
    'Subscription.consentChanged': customerIdArgument,
    // Names no customer: the vocabulary is the same for everyone.
    'Query.consentVocabulary': () => [],
    // Names no customer: it answers about the caller's own credential.
    'Query.viewer': () => [],
    'Mutation.recordConsent': changesArgument,
    'Mutation.updatePreferences': changesArgument,
    // The token names the pending consent, and only its holder (the person it was sent to) has it.
    'Mutation.confirmDoubleOptIn': () => [],
  },
  restrictedInputs: {
    'ConsentChangeInput.actor': [app],
    'PreferenceChangeInput.actor': [app],
  },
});
