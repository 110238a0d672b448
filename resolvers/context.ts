import type { Principal } from '../src/access/principal';
import type { ObservedRequest } from '../src/consent/consent-model';
import type { Logger } from '../src/observability/logger';
import type { Services } from '../src/services';
import type { ProfileRequestLoaders } from '../src/profile/profile-service';

/** What every resolver receives: who asks, the request's id and logger, and the services. */
export interface GatewayContext {
  /** Who sent the request (authenticated before the body was read). */
  principal: Principal;
  /** The request's IP address and user agent as the server saw them (the evidence of a customer's own change). */
  request: ObservedRequest;
  /** Why the caller reads personal data (`x-purpose` or `@purpose`), set once the operation is known. */
  purpose?: string | null;
  /** The request id, also in the `x-request-id` response header and every log line. */
  requestId: string;
  logger: Logger;
  services: Services;
  /** This request's batching loaders (one per source, plus profiles); never shared across requests. */
  loaders: ProfileRequestLoaders;
}
