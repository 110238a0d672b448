import { ErrorCode } from '../errors/error-codes';
import { GatewayError } from '../errors/gateway-error';

/**
 * A credential that does not authenticate (missing, malformed, unknown, expired,
 * revoked, wrong issuer, audience or signature): 401. The message says what to fix
 * and never repeats the credential.
 */
export class AuthenticationError extends GatewayError {
  constructor(message: string) {
    super(ErrorCode.UNAUTHENTICATED, message);
    this.name = 'AuthenticationError';
  }
}

/** A credential that authenticates but grants nothing here (no gateway role): 403. */
export class NoRoleError extends GatewayError {
  constructor(message: string) {
    super(ErrorCode.FORBIDDEN, message);
    this.name = 'NoRoleError';
  }
}
