import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';

/** RFC 3339: a date, a time and a zone (Z or ±hh:mm); fractions of a second allowed. */
const rfc3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/i;

function parseDateTime(value: unknown): Date {
  const date = typeof value === 'string' && rfc3339.test(value) ? new Date(value) : undefined;
  if (!date || Number.isNaN(date.getTime())) {
    throw new GraphQLError(`Expected an RFC 3339 date-time with a time zone, such as 2026-03-03T09:00:00Z.`, {
      extensions: { code: 'BAD_USER_INPUT' },
    });
  }
  return date;
}

/** `DateTime`: JavaScript `Date` inside, RFC 3339 string in UTC outside. */
export const scalarResolvers = {
  DateTime: new GraphQLScalarType<Date, string>({
    name: 'DateTime',
    description: 'An instant, as an RFC 3339 string with a time zone.',
    serialize: (value) => {
      const date = value instanceof Date ? value : new Date(value as string);
      if (Number.isNaN(date.getTime())) throw new GraphQLError('DateTime cannot represent an invalid date.');
      return date.toISOString();
    },
    parseValue: parseDateTime,
    parseLiteral: (ast) => parseDateTime(ast.kind === Kind.STRING ? ast.value : undefined),
  }),
};
