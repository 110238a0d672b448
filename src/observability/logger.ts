import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * Paths whose values are personal data or secrets. pino replaces them before a line
 * is written, wherever a careless caller put them. Each entry covers that key at the
 * top level and one level down (`*.email` catches `customer.email`).
 */
const personalKeys = [
  'email', 'emails', 'email_address', 'phone', 'phones', 'mobile', 'name', 'firstName', 'lastName',
  'fullName', 'givenName', 'familyName', 'address', 'addresses', 'birthDate', 'ip', 'userAgent',
  'contactPoint', 'textShown', 'password', 'token', 'apiKey', 'clientSecret', 'access_token',
  'authorization', 'cookie', 'keyValue', 'variables',
];

export const redactedPaths: readonly string[] = Object.freeze([
  ...personalKeys,
  ...personalKeys.map((key) => `*.${key}`),
  'req.headers.authorization',
  'req.headers.cookie',
  'err.keyValue',
  'err.errorResponse.keyValue',
]);

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  /** Minimum level written. @default 'info' */
  level?: string;
  /** Where lines go. @default process.stdout */
  destination?: pino.DestinationStream;
}

/** A structured JSON logger that never writes the paths in {@link redactedPaths}. */
export function createLogger({ level = 'info', destination }: LoggerOptions = {}): Logger {
  return pino(
    {
      level,
      base: undefined,
      redact: { paths: [...redactedPaths], censor: '[redacted]' },
      serializers: { err: serializeError },
    },
    destination,
  );
}

/**
 * Properties of an error that hold a payload, dropped at any depth: body-parser puts the
 * raw request body on its errors (`body`), HTTP clients the response's.
 */
const payloadKeys: ReadonlySet<string> = new Set(['body', 'rawBody']);

/**
 * pino's error serializer, minus what carries personal data: payloads ({@link payloadKeys})
 * and what drivers put in messages (MongoDB's E11000 message quotes the duplicate key's
 * value, often an email, so it is cut there).
 */
function serializeError(error: unknown): unknown {
  return scrubError(pino.stdSerializers.err(error as Error));
}

/** Drops payload keys and replaces every `dup key: {...}` in the strings of a serialized error, at any depth. */
function scrubError(value: unknown): unknown {
  if (typeof value === 'string') return value.replace(/dup key:[^\n]*/g, 'dup key: [redacted]');
  if (Array.isArray(value)) return value.map(scrubError);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([key]) => !payloadKeys.has(key))
        .map(([key, inner]) => [key, scrubError(inner)]),
    );
  }
  return value;
}
