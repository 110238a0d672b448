import { graphql } from '../shared/graphql';

/** Every operation the preference centre sends: typed against the gateway's schema (web/schema.graphql). */

/** Whose link this is, and the vocabulary the controls are made from. */
export const LinkQuery = graphql(`
  query PreferenceCentreLink {
    viewer { customerId }
    consentVocabulary { channels purposes topics frequencies channelRules { channel doubleOptIn } }
  }
`);

/** The customer's current consents and preferences (from the consent store only; no source is called). */
export const ChoicesQuery = graphql(`
  query PreferenceCentreChoices($id: ID!) {
    customer(by: { id: $id }) {
      id
      consents { channel purpose contactPoint status }
      preferences { topics frequency preferredChannel language }
    }
  }
`);

/** One press of "Save": the consent and the preference changes in one request (either list may be empty, then left out). */
export const SaveMutation = graphql(`
  mutation PreferenceCentreSave(
    $consents: [ConsentChangeInput!]!
    $preferences: [PreferenceChangeInput!]!
    $withConsents: Boolean!
    $withPreferences: Boolean!
  ) {
    recordConsent(changes: $consents) @include(if: $withConsents) { index eventId error { code message field } }
    updatePreferences(changes: $preferences) @include(if: $withPreferences) { index eventId error { code message field } }
  }
`);

/** The press of "Confirm" on a double opt-in link. */
export const ConfirmMutation = graphql(`
  mutation PreferenceCentreConfirm($token: String!, $evidence: EvidenceInput!) {
    confirmDoubleOptIn(token: $token, evidence: $evidence) { eventId error { code message } }
  }
`);
