import type { ApolloServerPlugin } from '@apollo/server';
import { ErrorCode } from '../../errors/error-codes';
import { GatewayError } from '../../errors/gateway-error';
import type { GatewayContext } from '../../../resolvers/context';

/**
 * An API key created with `--operations` runs only those operations, by name: checked
 * once the operation is known and before anything executes (403 FORBIDDEN otherwise).
 */
export function allowedOperationsPlugin(): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ contextValue, operationName }) {
          const allowed = contextValue.principal.allowedOperations;
          if (!allowed || (operationName && allowed.includes(operationName))) return;
          throw new GatewayError(
            ErrorCode.FORBIDDEN,
            `This API key may run only the operations ${allowed.join(', ')}; send one of them by name${operationName ? ` (not ${operationName})` : ''}.`,
            { extensions: { http: { status: 403 } } },
          );
        },
      };
    },
  };
}
