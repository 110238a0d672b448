import { ErrorCode } from '../../errors/error-codes';
import { GatewayError } from '../../errors/gateway-error';
import type { OperationLimits } from './operation-limits';

/** What a LIMIT_EXCEEDED error names in `extensions.limit`: a configured limit, or the fixed guard on fields counted. */
export type LimitName = keyof OperationLimits | 'nodes';

/**
 * An operation refused before execution: LIMIT_EXCEEDED, with the limit's name and value
 * in `extensions` (`{limit: 'depth', max: 6}`) and a message that names both.
 */
export function limitExceededError(limit: LimitName, max: number, message: string, extensions: Record<string, unknown> = {}): GatewayError {
  return new GatewayError(ErrorCode.LIMIT_EXCEEDED, message, { extensions: { limit, max, ...extensions } });
}
