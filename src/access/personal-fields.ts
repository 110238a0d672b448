import { getDirective } from '@graphql-tools/utils';
import { isObjectType, type GraphQLSchema } from 'graphql';

/** The fields the schema marks `@personal`, as `Type.field`: the one declaration of what personal data is. */
export function personalFields(schema: GraphQLSchema): ReadonlySet<string> {
  const fields = new Set<string>();
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      if (getDirective(schema, field, 'personal')?.length) fields.add(`${type.name}.${field.name}`);
    }
  }
  return fields;
}
