import { Writable } from 'node:stream';
import { MongoServerError } from 'mongodb';
import { createLogger } from '../../src/observability/logger';

/** A logger whose lines land in an array, parsed. */
function capture() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { logger: createLogger({ level: 'info', destination }), lines };
}

describe('logger', () => {
  it('redacts personal data at the top level and one level down', () => {
    const { logger, lines } = capture();
    logger.info({ email: 'ada@example.com', customer: { phone: '+447700900123', name: 'Ada', tier: 'gold' } }, 'seen');
    const text = JSON.stringify(lines);
    expect(text).not.toMatch(/ada@example\.com|\+447700900123|"Ada"/);
    expect(lines[0]).toMatchObject({ email: '[redacted]', customer: { phone: '[redacted]', name: '[redacted]', tier: 'gold' } });
  });

  it('cuts the duplicate value out of a MongoDB E11000 message', () => {
    const { logger, lines } = capture();
    const error = new MongoServerError({
      message: 'E11000 duplicate key error collection: gateway.keys index: email_1 dup key: { email: "ada@example.com" }',
      code: 11000,
      keyValue: { email: 'ada@example.com' },
    });
    logger.error({ err: error }, 'insert failed');
    expect(JSON.stringify(lines)).not.toContain('ada@example.com');
    expect(lines[0]).toMatchObject({ err: { message: expect.stringContaining('dup key: [redacted]') } });
  });

  it('keeps the request id given to a child logger on every line', () => {
    const { logger, lines } = capture();
    const child = logger.child({ requestId: 'req-1' });
    child.info('one');
    child.warn('two');
    expect(lines.map((line) => line.requestId)).toEqual(['req-1', 'req-1']);
  });
});
