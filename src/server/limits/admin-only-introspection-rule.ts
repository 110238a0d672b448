import type { ASTVisitor, ValidationContext } from 'graphql';
import { ErrorCode } from '../../errors/error-codes';
import { GatewayError } from '../../errors/gateway-error';

/** The fields through which every introspection type is reached (GraphQL spec, section 4.1). */
const entryPoints: ReadonlySet<string> = new Set(['__schema', '__type']);

/**
 * Refuses introspection (`__schema`, `__type`, aliased or not) with FORBIDDEN, for callers
 * who are not admins in production: one error per entry point, with the code graphql-js's
 * NoSchemaIntrospectionCustomRule lacks. `__typename` is not introspection and stays allowed.
 * https://spec.graphql.org/October2021/#sec-Schema-Introspection
 */
export function AdminOnlyIntrospectionRule(context: ValidationContext): ASTVisitor {
  return {
    Field(node) {
      if (!entryPoints.has(node.name.value)) return;
      context.reportError(
        new GatewayError(ErrorCode.FORBIDDEN, `Introspection (${node.name.value}) is open to admins only in production.`, {
          extensions: { field: node.name.value },
        }),
      );
    },
  };
}
