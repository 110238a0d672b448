import SCIMMY from 'scimmy';
import { CONSENT_EXTENSION_URN } from '../population/vendor-records';

/**
 * The SCIM service provider's static declarations, made once per process in scimmy's
 * (process-wide) registries: the User resource type extended with our consent extension
 * schema, and the ServiceProviderConfig. Every SCIM simulator in the process shares them;
 * each keeps its own users.
 * https://datatracker.ietf.org/doc/html/rfc7643#section-3.3 (extensions)
 * https://datatracker.ietf.org/doc/html/rfc7643#section-5 (ServiceProviderConfig)
 */

/** Values the consent extension's attributes take. */
export const CONSENT_VALUES = ['granted', 'denied', 'pending', 'unknown'] as const;

/** Most resources one list page answers, whatever `count` asks. */
export const SCIM_MAX_RESULTS = 200;

let declared = false;

/** Declares the User resource type with the consent extension, and the service provider config (idempotent). */
export function declareScimResources(): void {
  if (declared) return;
  declared = true;
  const attribute = (name: string, description: string): SCIMMY.Types.Attribute =>
    new SCIMMY.Types.Attribute('string', name, { canonicalValues: [...CONSENT_VALUES], description, caseExact: false });
  // scimmy 1.3.5 only accepts `urn:ietf:params:scim:schemas:` ids in its constructor, although
  // RFC 7643 lets anyone define an extension URN (scimmy issue #91, fixed upstream by PR #94 but
  // not released). Construct under an IETF-looking id and set ours before anything reads it.
  // https://github.com/scimmyjs/scimmy/issues/91
  const consent = new SCIMMY.Types.SchemaDefinition(
    'Consent',
    'urn:ietf:params:scim:schemas:extension:customer-gateway-consent:2.0:User',
    'Marketing consent as the identity system holds it, per channel',
    [
      attribute('emailMarketing', 'Consent to marketing by email'),
      attribute('smsMarketing', 'Consent to marketing by SMS'),
      attribute('phoneMarketing', 'Consent to marketing by phone call'),
    ],
  );
  (consent as { id: string }).id = CONSENT_EXTENSION_URN;
  // The typings only admit a Schema class here; scimmy itself accepts a SchemaDefinition.
  SCIMMY.Resources.declare(SCIMMY.Resources.User.extend(consent as unknown as typeof SCIMMY.Types.Schema, false));
  SCIMMY.Config.set({
    patch: true,
    filter: { supported: true, maxResults: SCIM_MAX_RESULTS },
    etag: true,
    sort: false,
    bulk: false,
    changePassword: false,
    authenticationSchemes: [
      {
        type: 'oauthbearertoken',
        name: 'OAuth Bearer Token',
        description: 'Authentication with a bearer token in the Authorization header',
        specUri: 'https://datatracker.ietf.org/doc/html/rfc6750',
        primary: true,
      },
    ],
  });
}
