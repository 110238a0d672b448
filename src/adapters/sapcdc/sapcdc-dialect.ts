import { checkFieldMap } from '../check-field-map';
import { httpOptionsFromConfig, requireCredential } from '../http-options-from-config';
import type { SourceDialect } from '../source-dialect';
import { SapCdcAdapter } from './sapcdc-adapter';

/**
 * `dialect: "sapcdc"` (SAP Customer Data Cloud, formerly Gigya): `baseUrl` is the site's
 * accounts host, `https://accounts.<data center>.gigya.com`; credentials `apiKey` (the
 * site), `userKey` and `secret` (an application key and its base64 secret);
 * `options.signRequests` signs each call instead of sending the secret. Account fields are
 * Gigya's own: nothing to map.
 */
export const sapcdcDialect: SourceDialect = Object.freeze<SourceDialect>({
  dialect: 'sapcdc',
  create: (system, dependencies) => {
    checkFieldMap(system, {});
    return new SapCdcAdapter({
      ...httpOptionsFromConfig(system, dependencies),
      name: system.name,
      apiKey: requireCredential(system, 'apiKey'),
      userKey: requireCredential(system, 'userKey'),
      secret: requireCredential(system, 'secret'),
      signRequests: system.options.signRequests,
    });
  },
});
