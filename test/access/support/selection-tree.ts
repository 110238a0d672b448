import { getNamedType, isObjectType, type GraphQLField, type GraphQLObjectType } from 'graphql';

/** A selection: each field of a type with the selection under it (empty for a leaf). */
export interface SelectionTree {
  type: GraphQLObjectType;
  fields: { field: GraphQLField<unknown, unknown>; children: SelectionTree | null }[];
}

/** Every field under `type`, recursively, skipping a type already on the path (no cycles). */
export function fullSelection(type: GraphQLObjectType, path: ReadonlySet<string> = new Set()): SelectionTree {
  const inside = new Set([...path, type.name]);
  const fields = Object.values(type.getFields())
    .filter((field) => field.args.every((arg) => arg.defaultValue !== undefined || !String(arg.type).endsWith('!')))
    .flatMap((field): SelectionTree['fields'] => {
      const named = getNamedType(field.type);
      if (!isObjectType(named)) return [{ field, children: null }];
      return inside.has(named.name) ? [] : [{ field, children: fullSelection(named, inside) }];
    });
  return { type, fields };
}

/** The selection as GraphQL text: `{ a b { c } }`. */
export function selectionText(tree: SelectionTree): string {
  return `{ ${tree.fields.map(({ field, children }) => (children ? `${field.name} ${selectionText(children)}` : field.name)).join(' ')} }`;
}

/** One field as answered: allowed (a value, null or another error) or FORBIDDEN, at one path. */
export interface Observation {
  coordinate: string;
  forbidden: boolean;
  path: string;
}

/**
 * Walks an answer beside its selection: each selected field present in a parent that
 * answered is observed once per path, FORBIDDEN when its error says so. Lists are
 * followed through their first `maxItems` items.
 */
export function observe(
  tree: SelectionTree,
  value: unknown,
  errors: ReadonlyMap<string, string | undefined>,
  path: (string | number)[] = [],
  maxItems = 20,
): Observation[] {
  if (value === null || value === undefined) return [];
  if (Array.isArray(value)) return value.slice(0, maxItems).flatMap((item, index) => observe(tree, item, errors, [...path, index], maxItems));
  const observations: Observation[] = [];
  for (const { field, children } of tree.fields) {
    const fieldPath = [...path, field.name];
    const key = fieldPath.join('.');
    const forbidden = errors.get(key) === 'FORBIDDEN';
    observations.push({ coordinate: `${tree.type.name}.${field.name}`, forbidden, path: key });
    if (children && !forbidden) observations.push(...observe(children, (value as Record<string, unknown>)[field.name], errors, fieldPath, maxItems));
  }
  return observations;
}
