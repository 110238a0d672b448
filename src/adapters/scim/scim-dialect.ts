import { checkFieldMap } from '../check-field-map';
import { httpOptionsFromConfig, requireCredential } from '../http-options-from-config';
import type { SourceDialect } from '../source-dialect';
import { ScimAdapter } from './scim-adapter';

/**
 * `dialect: "scim"`: `baseUrl` is the SCIM root (`.../scim/v2`), credentials
 * `bearerToken`; `options.crossReferenceSystem` names the system whose ids the users'
 * `externalId` holds (the CRM that provisions them); `options.idBatchSize` (default 50)
 * sets how many ids one filtered read asks for, 1 for a provider that cannot filter on `id`.
 */
export const scimDialect: SourceDialect = Object.freeze<SourceDialect>({
  dialect: 'scim',
  create: (system, dependencies) => {
    // SCIM attributes are fixed by RFC 7643: nothing to map.
    checkFieldMap(system, {});
    return new ScimAdapter({
      ...httpOptionsFromConfig(system, dependencies),
      name: system.name,
      bearerToken: requireCredential(system, 'bearerToken'),
      crossReferenceSystem: system.options.crossReferenceSystem,
      idBatchSize: system.options.idBatchSize,
    });
  },
});
