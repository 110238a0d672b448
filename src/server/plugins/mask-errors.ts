import type { ApolloServerPlugin } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import type { GraphQLFormattedError } from 'graphql';
import { ErrorCode, errorCatalog, publicErrorCodes } from '../../errors/error-codes';
import type { GatewayContext } from '../../../resolvers/context';

/** Options of {@link maskErrors}. */
export interface MaskErrorsOptions {
  /** Show unexpected errors as they are (development only). @default false */
  isDevelopment?: boolean;
}

/** True when the error carries a code from our catalogue, so it is meant for the caller. */
function isPublic(error: GraphQLFormattedError): boolean {
  const code = error.extensions?.code;
  return typeof code === 'string' && publicErrorCodes.has(code) && code !== ErrorCode.INTERNAL_SERVER_ERROR;
}

/**
 * The `formatError` hook: an error with a catalogued code goes out as it is; anything
 * else becomes "Unexpected error." with code INTERNAL_SERVER_ERROR, unless in
 * development. Stack traces never leave the process outside development.
 */
export function maskErrors({ isDevelopment = false }: MaskErrorsOptions = {}) {
  return (formatted: GraphQLFormattedError): GraphQLFormattedError => {
    if (isPublic(formatted) || isDevelopment) return formatted;
    return {
      message: errorCatalog[ErrorCode.INTERNAL_SERVER_ERROR].message,
      ...(formatted.locations && { locations: formatted.locations }),
      ...(formatted.path && { path: formatted.path }),
      extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
    };
  };
}

/** Logs the cause of every unexpected error with the request's id, so a masked error can be traced. */
export function logUnexpectedErrorsPlugin(): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors, contextValue }) {
          for (const error of errors) {
            const code = error.extensions?.code;
            if (typeof code === 'string' && publicErrorCodes.has(code) && code !== ErrorCode.INTERNAL_SERVER_ERROR) continue;
            contextValue.logger.error({ err: unwrapResolverError(error), path: error.path }, 'unexpected error');
          }
        },
      };
    },
  };
}
