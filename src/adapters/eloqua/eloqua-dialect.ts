import { checkFieldMap } from '../check-field-map';
import { httpOptionsFromConfig, requireCredential } from '../http-options-from-config';
import type { SourceDialect } from '../source-dialect';
import { EloquaAdapter } from './eloqua-adapter';

const LOGIN_URL = 'https://login.eloqua.com/id';

/**
 * `dialect: "eloqua"`: `baseUrl` is the instance's pod (`https://secure.p0N.eloqua.com`), or
 * left out to learn it from `credentials.loginUrl` (default `https://login.eloqua.com/id`);
 * credentials `siteName` (the company), `userName`, `password` for HTTP Basic, or
 * `accessToken` for an OAuth 2.0 bearer. Contact fields are Eloqua's own: nothing to map.
 */
export const eloquaDialect: SourceDialect = Object.freeze<SourceDialect>({
  dialect: 'eloqua',
  create: (system, dependencies) => {
    checkFieldMap(system, {});
    const { credentials } = system;
    const loginUrl = credentials.loginUrl ?? LOGIN_URL;
    const basic = credentials.accessToken
      ? {}
      : { siteName: requireCredential(system, 'siteName'), userName: requireCredential(system, 'userName'), password: requireCredential(system, 'password') };
    return new EloquaAdapter({
      ...httpOptionsFromConfig(system, dependencies, new URL(loginUrl).origin),
      name: system.name,
      ...basic,
      accessToken: credentials.accessToken,
      loginUrl,
      discoverBaseUrl: !system.baseUrl,
    });
  },
});
