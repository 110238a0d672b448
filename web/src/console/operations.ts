import { graphql } from '../shared/graphql';

/** Every operation the console sends: typed against the gateway's schema (web/schema.graphql). */

export const ViewerQuery = graphql(`
  query ConsoleViewer {
    viewer { id kind roles }
    consentVocabulary { channels purposes }
  }
`);

export const SearchQuery = graphql(`
  query ConsoleSearch($query: String!, $after: String) {
    searchCustomers(query: $query, first: 20, after: $after) {
      edges {
        cursor
        matchedOn
        node { id name { full } emails phones sourceRecords { system recordId } }
      }
      pageInfo { hasNextPage endCursor }
    }
  }
`);

/** Finds one customer by a source record or an exact email or phone (what search also matches). */
export const FindQuery = graphql(`
  query ConsoleFind($by: CustomerBy!) {
    customer(by: $by) { id }
  }
`);

/** The whole 360 view in one round trip: profile, provenance, conflicts, views, consents, history, drift, deliveries. */
export const CustomerQuery = graphql(`
  query ConsoleCustomer($id: ID!) {
    customer(by: { id: $id }) {
      id
      name { full given family }
      emails
      phones
      addresses { line1 line2 city region postalCode country }
      birthDate
      locale
      sourceRecords { system recordId updatedAt }
      provenance { field system recordId updatedAt rule }
      conflicts { field values { system recordId value updatedAt } winner { system recordId } reason }
      sources { system status latencyMs error }
      crm { accountName ownerName tier lifetimeValue openOpportunities openCases }
      engagement { lists subscriptionStatus lastChangedAt interests }
      identity { username active lastLoginAt }
      consents { channel purpose contactPoint status recordedStatus capturedAt expiresAt source { system recordId } eventId }
      preferences { topics frequency preferredChannel language updatedAt }
      consentDrift { system recordId disagreements { channel purpose contactPoint sourceStatus storeStatus } }
      deliveries(first: 50) { eventId system status attempts queuedAt deliveredAt lastError note }
    }
    consentHistory(customerId: $id, first: 100) {
      edges {
        node {
          id seq kind capturedAt recordedAt method current
          consent { channel purpose contactPoint from to expiresAt }
          preferences { to { topics frequency preferredChannel language } }
          source { system recordId }
          actor { kind id }
          evidence { noticeVersion textShown }
          deliveries { system status attempts deliveredAt lastError note }
        }
      }
    }
    identityHistory(customerId: $id, first: 50) { type records { system recordId } rule actor reason at }
  }
`);

export const ConsentAtQuery = graphql(`
  query ConsoleConsentAt($id: ID!, $at: DateTime!) {
    consentAt(customerId: $id, at: $at) { channel purpose contactPoint status recordedStatus capturedAt expiresAt source { system recordId } eventId }
  }
`);

export const RecordConsentMutation = graphql(`
  mutation ConsoleRecordConsent($change: ConsentChangeInput!) {
    recordConsent(changes: [$change]) { eventId current error { code message field } }
  }
`);

export const LinkRecordsMutation = graphql(`
  mutation ConsoleLinkRecords($records: [SourceRecordInput!]!, $reason: String!) {
    linkRecords(records: $records, reason: $reason) { id }
  }
`);

export const UnlinkRecordMutation = graphql(`
  mutation ConsoleUnlinkRecord($record: SourceRecordInput!, $reason: String!) {
    unlinkRecord(record: $record, reason: $reason) { original { id } split { id } }
  }
`);

export const ReplayMutation = graphql(`
  mutation ConsoleReplay($customerId: ID!, $reason: String!) {
    replayDeliveries(filter: { customerId: $customerId }, reason: $reason) { requeued }
  }
`);

export const SystemsQuery = graphql(`
  query ConsoleSystems {
    systems {
      name dialect fields driftCount backlog oldestPendingAge deadCount
      driftByChannel { channel purpose customers }
      health { status circuit lastError recentLatencyMs apiUsage { used limit } }
    }
    fieldMatrix {
      scannedAt customersScanned customersSkipped
      fields { field conflictRate conflicts systems { system provides held wins } }
    }
    propagationHistory(minutes: 60) { minute system backlog dead delivered lagP99Seconds }
  }
`);

export const PreferenceLinkMutation = graphql(`
  mutation ConsolePreferenceLink($customerId: ID!, $purpose: String!) {
    createPreferenceLink(customerId: $customerId, purpose: $purpose) { url expiresAt purpose }
  }
`);
