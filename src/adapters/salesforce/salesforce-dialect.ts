import { checkFieldMap } from '../check-field-map';
import { httpOptionsFromConfig, requireCredential } from '../http-options-from-config';
import type { SourceDialect } from '../source-dialect';
import { SalesforceAdapter } from './salesforce-adapter';
import { defaultSalesforceFieldMap } from './salesforce-contact';

/**
 * `dialect: "salesforce"`: `baseUrl` is the login or My Domain URL; credentials
 * `clientId` and `clientSecret` of a connected app with the client-credentials flow;
 * `options.apiVersion` (default 65.0); `fieldMap` names the custom fields holding
 * `tier`, `lifetimeValue` and `openCases`.
 */
export const salesforceDialect: SourceDialect = Object.freeze<SourceDialect>({
  dialect: 'salesforce',
  create: (system, dependencies) =>
    new SalesforceAdapter({
      ...httpOptionsFromConfig(system, dependencies),
      name: system.name,
      clientId: requireCredential(system, 'clientId'),
      clientSecret: requireCredential(system, 'clientSecret'),
      apiVersion: system.options.apiVersion,
      fieldMap: checkFieldMap(system, defaultSalesforceFieldMap),
    }),
});
