import type { ApolloServerPlugin } from '@apollo/server';
import type { Principal } from '../../access/principal';
import { ErrorCode } from '../../errors/error-codes';
import { GatewayError } from '../../errors/gateway-error';
import type { GatewayContext } from '../../../resolvers/context';

/**
 * The refusal of an operation an API key created with `--operations` may not run (FORBIDDEN
 * naming the operations it may), or undefined when it may: for HTTP and the websocket alike.
 */
export function unlistedOperationError(principal: Principal, operationName: string | null | undefined): GatewayError | undefined {
  const allowed = principal.allowedOperations;
  if (!allowed || (operationName && allowed.includes(operationName))) return undefined;
  return new GatewayError(
    ErrorCode.FORBIDDEN,
    `This API key may run only the operations ${allowed.join(', ')}; send one of them by name${operationName ? ` (not ${operationName})` : ''}.`,
    { extensions: { http: { status: 403 } } },
  );
}

/**
 * An API key created with `--operations` runs only those operations, by name: checked
 * once the operation is known and before anything executes (403 FORBIDDEN otherwise).
 */
export function allowedOperationsPlugin(): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ contextValue, operationName }) {
          const refused = unlistedOperationError(contextValue.principal, operationName);
          if (refused) throw refused;
        },
      };
    },
  };
}
