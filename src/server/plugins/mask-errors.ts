import type { ApolloServerPlugin } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import type { GraphQLError, GraphQLFormattedError } from 'graphql';
import { ErrorCode, errorCatalog, publicErrorCodes } from '../../errors/error-codes';
import { isStoreUnavailable } from '../../errors/store-unavailable';
import type { Logger } from '../../observability/logger';
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
 * The `formatError` hook: an error with a catalogued code goes out as it is; a store
 * that cannot serve becomes STORE_UNAVAILABLE (retry later); anything else becomes
 * "Unexpected error." with code INTERNAL_SERVER_ERROR, unless in development. Stack
 * traces never leave the process outside development.
 */
export function maskErrors({ isDevelopment = false }: MaskErrorsOptions = {}) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    if (isPublic(formatted)) return formatted;
    const code = isStoreUnavailable(unwrapResolverError(error)) ? ErrorCode.STORE_UNAVAILABLE : ErrorCode.INTERNAL_SERVER_ERROR;
    if (isDevelopment) return { ...formatted, extensions: { ...formatted.extensions, code } };
    return {
      message: errorCatalog[code].message,
      ...(formatted.locations && { locations: formatted.locations }),
      ...(formatted.path && { path: formatted.path }),
      extensions: { code },
    };
  };
}

/** Options of {@link logUnexpectedErrorsPlugin}. */
export interface LogUnexpectedErrorsOptions {
  /**
   * True once shutdown has cut the connections of requests still running: their errors
   * (the store or a source closing under them) are expected then, and logged as warnings.
   * @default () => false
   */
  isCutOff?: () => boolean;
}

/**
 * Logs the cause of each error in `errors` that is not a catalogued one meant for the
 * caller (those are masked), with the request's logger: a warning once shutdown has cut
 * requests off, an error otherwise. For HTTP (the plugin below) and the websocket alike.
 */
export function logUnexpectedErrors(errors: readonly GraphQLError[], logger: Logger, cutOff: boolean): void {
  for (const error of errors) {
    const code = error.extensions?.code;
    if (typeof code === 'string' && publicErrorCodes.has(code) && code !== ErrorCode.INTERNAL_SERVER_ERROR) continue;
    const details = { err: unwrapResolverError(error), path: error.path };
    if (cutOff) logger.warn(details, 'error in a request cut off by shutdown');
    else logger.error(details, 'unexpected error');
  }
}

/** Logs the cause of every unexpected error with the request's id, so a masked error can be traced. */
export function logUnexpectedErrorsPlugin({ isCutOff = () => false }: LogUnexpectedErrorsOptions = {}): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors, contextValue }) {
          logUnexpectedErrors(errors, contextValue.logger, isCutOff());
        },
      };
    },
  };
}
