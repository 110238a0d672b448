import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphQLResolveInfo } from 'graphql';
import type { AccessRecords } from '../../access/access-records';
import type { GatewayContext } from '../../../resolvers/context';

/** Options of {@link accessRecordPlugin}. */
export interface AccessRecordPluginOptions {
  records: AccessRecords;
  /** The `@personal` fields, `Type.field` (src/access/personal-fields.ts). */
  personal: ReadonlySet<string>;
}

type Path = GraphQLResolveInfo['path'];

/** A response path as a string, with list positions (`customers.3.emails`) or without (`customers.emails`). */
function pathString(path: Path | undefined, positions: boolean): string {
  const parts: (string | number)[] = [];
  for (let at = path; at; at = at.prev) if (positions || typeof at.key === 'string') parts.unshift(at.key);
  return parts.join('.');
}

/**
 * Writes one access record for each response that returned personal data: the `@personal`
 * fields that resolved to a value (paths, never values), the customers they belong to,
 * who asked, why, and the operation. A field's customer is the nearest enclosing one: a
 * `Customer` object's id, a `customerId` the parent object carries, or a field's
 * `customerId` argument. The record is queued, never awaited by the response.
 */
export function accessRecordPlugin({ records, personal }: AccessRecordPluginOptions): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      const fields = new Set<string>();
      const customers = new Set<string>();
      const customerAt = new Map<string, string>(); // response path (with positions) -> the customer it is about
      const customerOf = (path: Path | undefined): string | undefined => {
        for (let at = path; at; at = at.prev) {
          const found = customerAt.get(pathString(at, true));
          if (found) return found;
        }
        return undefined;
      };
      return {
        async executionDidStart() {
          return {
            willResolveField({ source, args, info }) {
              const parent = source as { id?: unknown; customerId?: unknown } | null;
              const parentPath = pathString(info.path.prev, true);
              if (info.parentType.name === 'Customer' && typeof parent?.id === 'string') customerAt.set(parentPath, parent.id);
              else if (typeof parent?.customerId === 'string' && !customerAt.has(parentPath)) customerAt.set(parentPath, parent.customerId);
              if (typeof args.customerId === 'string') customerAt.set(pathString(info.path, true), args.customerId);
              if (!personal.has(`${info.parentType.name}.${info.fieldName}`)) return undefined;
              return (error, result) => {
                if (error || result === null || result === undefined || (Array.isArray(result) && result.length === 0)) return;
                fields.add(pathString(info.path, false));
                const customer = customerOf(info.path);
                if (customer) customers.add(customer);
              };
            },
          };
        },
        async willSendResponse({ contextValue, operationName }) {
          if (fields.size === 0) return;
          const { principal } = contextValue;
          records.record({
            at: new Date(),
            principal: { id: principal.id, kind: principal.kind, roles: [...principal.roles] },
            operationName: operationName ?? null,
            requestId: contextValue.requestId,
            purpose: contextValue.purpose ?? null,
            customerIds: [...customers].sort(),
            fields: [...fields].sort(),
          });
        },
      };
    },
  };
}
