import type { GraphQLResolveInfo } from 'graphql';
import type { AccessRecordDoc } from '../../access/access-records';
import type { GatewayContext } from '../../../resolvers/context';

type Path = GraphQLResolveInfo['path'];

/** A response path as a string, with list positions (`customers.3.emails`) or without (`customers.emails`). */
function pathString(path: Path | undefined, positions: boolean): string {
  const parts: (string | number)[] = [];
  for (let at = path; at; at = at.prev) if (positions || typeof at.key === 'string') parts.unshift(at.key);
  return parts.join('.');
}

/** A field about to resolve, as Apollo's `willResolveField` and a resolver both see it. */
export interface ResolvingField {
  source: unknown;
  args: Record<string, unknown>;
  info: GraphQLResolveInfo;
}

/**
 * What one operation's access record holds, gathered field by field while it executes
 * (over HTTP by the Apollo plugin, over the websocket by a resolver wrapper): the
 * `@personal` fields that resolved to a value (paths, never values) and the customers they
 * belong to. A field's customer is the nearest enclosing one: a `Customer` object's id,
 * a `customerId` the parent object carries, or a field's `customerId` argument.
 */
export class AccessRecordCollector {
  private readonly fields = new Set<string>();
  private readonly customers = new Set<string>();
  private readonly customerAt = new Map<string, string>(); // response path (with positions) -> the customer it is about

  /** @param personal the `@personal` fields, `Type.field` (src/access/personal-fields.ts). */
  constructor(private readonly personal: ReadonlySet<string>) {}

  /** Notes a field about to resolve; for a personal one, returns what to call with its outcome. */
  willResolveField({ source, args, info }: ResolvingField): ((error: unknown, result: unknown) => void) | undefined {
    const parent = source as { id?: unknown; customerId?: unknown } | null;
    const parentPath = pathString(info.path.prev, true);
    if (info.parentType.name === 'Customer' && typeof parent?.id === 'string') this.customerAt.set(parentPath, parent.id);
    else if (typeof parent?.customerId === 'string' && !this.customerAt.has(parentPath)) this.customerAt.set(parentPath, parent.customerId);
    if (typeof args.customerId === 'string') this.customerAt.set(pathString(info.path, true), args.customerId);
    if (!this.personal.has(`${info.parentType.name}.${info.fieldName}`)) return undefined;
    return (error, result) => {
      if (error || result === null || result === undefined || (Array.isArray(result) && result.length === 0)) return;
      this.fields.add(pathString(info.path, false));
      const customer = this.customerOf(info.path);
      if (customer) this.customers.add(customer);
    };
  }

  /** The access record of the response, or undefined when it returned no personal data. */
  record(context: Pick<GatewayContext, 'principal' | 'requestId' | 'purpose'>, operationName: string | null | undefined): Omit<AccessRecordDoc, '_id'> | undefined {
    if (this.fields.size === 0) return undefined;
    const { principal } = context;
    return {
      at: new Date(),
      principal: { id: principal.id, kind: principal.kind, roles: [...principal.roles] },
      operationName: operationName ?? null,
      requestId: context.requestId,
      purpose: context.purpose ?? null,
      customerIds: [...this.customers].sort(),
      fields: [...this.fields].sort(),
    };
  }

  private customerOf(path: Path | undefined): string | undefined {
    for (let at = path; at; at = at.prev) {
      const found = this.customerAt.get(pathString(at, true));
      if (found) return found;
    }
    return undefined;
  }
}
