import { ErrorCode } from '../errors/error-codes';
import { GatewayError } from '../errors/gateway-error';
import type { CustomerProfile } from './customer-profile';

/**
 * A profile field that one source alone provides (a view, `crm`, `engagement`,
 * `identity`), or a SOURCE_UNAVAILABLE error when it is missing because that source
 * failed in this request. Thrown from the field's resolver, graphql-js puts the error
 * at the field's path and answers null there, while the rest of the profile comes back:
 * the partial result the GraphQL spec describes.
 *
 * Like every source failure, the error carries `extensions.system` and
 * `extensions.reason` (README, "Connected systems"). When two systems of one dialect
 * both failed, the extensions name the first (by name) and the message names each.
 */
export function profileView<K extends 'crm' | 'engagement' | 'identity'>(profile: CustomerProfile, view: K): CustomerProfile[K] {
  const value = profile[view];
  if (value !== null) return value;
  const failed = profile.unavailableFields.get(view);
  if (!failed || failed.length === 0) return null;
  const [first] = failed;
  throw new GatewayError(
    ErrorCode.SOURCE_UNAVAILABLE,
    `The ${view} view is missing: ${failed.map((report) => report.error).join('; ')}. The rest of the profile is from the other sources.`,
    { extensions: { system: first!.system, reason: first!.reason ?? 'UNAVAILABLE' } },
  );
}
