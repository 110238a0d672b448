import { isObjectType, type GraphQLSchema } from 'graphql';

/** The directive that marks a field as personal data (declared in schema/base.graphql). */
export const PERSONAL_DIRECTIVE = 'personal';

/**
 * Every field of the schema that holds personal data, as `Type.field`: those the SDL
 * marks `@personal`. The schema is the one list: the access policy keeps these from
 * roles that never see personal data, and access records name the ones a response held.
 */
export function personalFields(schema: GraphQLSchema): ReadonlySet<string> {
  const fields = new Set<string>();
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      if (field.astNode?.directives?.some((directive) => directive.name.value === PERSONAL_DIRECTIVE)) fields.add(`${type.name}.${field.name}`);
    }
  }
  return fields;
}
