import { checkFieldMap } from '../check-field-map';
import { httpOptionsFromConfig, requireCredential } from '../http-options-from-config';
import type { SourceDialect } from '../source-dialect';
import { DynamicsAdapter } from './dynamics-adapter';

/**
 * `dialect: "dynamics"`: `baseUrl` is the environment URL (`https://<org>.crm.dynamics.com`);
 * credentials `tenantId`, `clientId`, `clientSecret` of a Microsoft Entra app registration
 * that is an application user in the environment, and optionally `tokenUrl` (default the
 * Microsoft identity platform's `https://login.microsoftonline.com/<tenantId>/oauth2/v2.0/token`).
 * Contact columns are Dataverse's own: nothing to map.
 */
export const dynamicsDialect: SourceDialect = Object.freeze<SourceDialect>({
  dialect: 'dynamics',
  create: (system, dependencies) => {
    checkFieldMap(system, {});
    return new DynamicsAdapter({
      ...httpOptionsFromConfig(system, dependencies),
      name: system.name,
      tenantId: requireCredential(system, 'tenantId'),
      clientId: requireCredential(system, 'clientId'),
      clientSecret: requireCredential(system, 'clientSecret'),
      tokenUrl: system.credentials.tokenUrl,
    });
  },
});
