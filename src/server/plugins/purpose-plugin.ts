import type { ApolloServerPlugin } from '@apollo/server';
import { TypeInfo, visit, visitWithTypeInfo, valueFromASTUntyped, type DocumentNode, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import type { Principal } from '../../access/principal';
import type { Role } from '../../access/roles';
import { BadUserInputError } from '../../errors/gateway-error';
import type { GatewayContext } from '../../../resolvers/context';

/** Options of {@link purposePlugin}. */
export interface PurposePluginOptions {
  /** The `@personal` fields, `Type.field`. */
  personal: ReadonlySet<string>;
  /** Roles that must say why they read personal data (a principal with any other role need not). */
  requiredFor: ReadonlySet<Role>;
}

const MAX_PURPOSE = 200;

/** What {@link operationPurpose} decides from. */
export interface PurposeRequest {
  principal: Principal;
  /** The `x-purpose` header (HTTP) or `purpose` of the websocket's connection params; undefined when not sent. */
  given: string | null | undefined;
  schema: GraphQLSchema;
  document: DocumentNode;
  operation: OperationDefinitionNode;
}

/**
 * Why the caller reads personal data, for the access record: `given` (the `x-purpose`
 * header), else `@purpose(reason: "...")` on the operation; null when neither. Throws
 * BAD_USER_INPUT for a purpose that is not one short line, and when a principal all of
 * whose roles are in `requiredFor` selects a `@personal` field without one: before
 * anything runs, over HTTP and the websocket alike.
 */
export function operationPurpose({ personal, requiredFor }: PurposePluginOptions, { principal, given, schema, document, operation }: PurposeRequest): string | null {
  const purpose = (given ?? purposeDirective(operation))?.trim() || null;
  if (purpose !== null && (purpose.length > MAX_PURPOSE || [...purpose].some((char) => char.charCodeAt(0) < 0x20))) {
    throw new BadUserInputError(`The purpose must be one line of at most ${MAX_PURPOSE} characters.`, { extensions: { field: 'x-purpose' } });
  }
  const required = principal.roles.length > 0 && principal.roles.every((role) => requiredFor.has(role));
  if (purpose === null && required && selectsPersonalData(schema, document, operation, personal)) {
    throw new BadUserInputError(
      `Say why you read personal data: send an \`x-purpose\` header or \`@purpose(reason: "...")\` on the operation (required for ${principal.roles.join(', ')}).`,
      { extensions: { field: 'x-purpose' } },
    );
  }
  return purpose;
}

/**
 * Why the caller reads personal data, for the access record: the `x-purpose` header, or
 * `@purpose(reason: "...")` on the operation. Roles in `requiredFor` must give one when
 * the operation selects a `@personal` field: refused before anything runs otherwise
 * ({@link operationPurpose}).
 */
export function purposePlugin(options: PurposePluginOptions): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart({ request }) {
      return {
        async didResolveOperation({ contextValue, operation, document, schema }) {
          if (!operation) return; // Apollo has answered OPERATION_RESOLUTION_FAILURE already
          const given = request.http?.headers.get('x-purpose');
          contextValue.purpose = operationPurpose(options, { principal: contextValue.principal, given, schema, document, operation });
        },
      };
    },
  };
}

function purposeDirective(operation: OperationDefinitionNode): string | null {
  const directive = operation.directives?.find((node) => node.name.value === 'purpose');
  const reason = directive?.arguments?.find((argument) => argument.name.value === 'reason');
  const value = reason ? valueFromASTUntyped(reason.value) : null;
  return typeof value === 'string' ? value : null;
}

/**
 * True when the operation, or a fragment of the document, selects a `@personal` field.
 * (Fragments are checked whole: one the operation does not spread only errs on the side of asking.)
 */
function selectsPersonalData(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, personal: ReadonlySet<string>): boolean {
  const typeInfo = new TypeInfo(schema);
  let found = false;
  const visitor = visitWithTypeInfo(typeInfo, {
    Field() {
      const parent = typeInfo.getParentType();
      const field = typeInfo.getFieldDef();
      if (parent && field && personal.has(`${parent.name}.${field.name}`)) found = true;
    },
  });
  visit(operation, visitor);
  for (const definition of document.definitions) if (definition.kind === 'FragmentDefinition') visit(definition, visitor);
  return found;
}
