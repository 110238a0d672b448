import type { Principal } from '../src/access/principal';
import type { Logger } from '../src/observability/logger';
import type { Services } from '../src/services';
import type { ProfileRequestLoaders } from '../src/profile/profile-service';

/** What every resolver receives: the request's id and logger, and the services. */
export interface GatewayContext {
  /** The request id, also in the `x-request-id` response header and every log line. */
  requestId: string;
  logger: Logger;
  services: Services;
  /** Who is asking: set by the authentication middleware (`res.locals.principal`); absent until it runs. */
  principal?: Principal;
  /** This request's batching loaders (one per source, plus profiles); never shared across requests. */
  loaders: ProfileRequestLoaders;
}
