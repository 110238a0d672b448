import jsforce, { type Connection } from 'jsforce';
import type { SalesforceSimulator } from '../../simulators/salesforce/salesforce-simulator';

/** A jsforce 3 connection to a Salesforce simulator, whose refreshFn repeats the client-credentials token call. */
export function jsforceConnection(simulator: SalesforceSimulator): Connection {
  const { baseUrl, credentials } = simulator.descriptor;
  return new jsforce.Connection({
    loginUrl: baseUrl,
    instanceUrl: baseUrl,
    version: '65.0',
    oauth2: { loginUrl: baseUrl, clientId: credentials.clientId, clientSecret: credentials.clientSecret },
    refreshFn: (c, callback) => {
      c.oauth2
        .requestToken({ grant_type: 'client_credentials' })
        .then((res) => callback(null, res.access_token, res))
        .catch((error: Error) => callback(error));
    },
  });
}
