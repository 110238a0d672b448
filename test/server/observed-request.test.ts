import type { IncomingMessage } from 'node:http';
import { observedRequest } from '../../src/server/observed-request';

function request(remoteAddress: string | undefined, headers: Record<string, string> = {}): IncomingMessage {
  return { socket: { remoteAddress }, headers } as unknown as IncomingMessage;
}

describe('the request as the server saw it', () => {
  it('takes the address of the connection, never a header the client sets', () => {
    expect(observedRequest(request('203.0.113.5', { 'x-forwarded-for': '192.0.2.99', 'user-agent': 'Mozilla/5.0' }))).toEqual({
      ip: '203.0.113.5',
      userAgent: 'Mozilla/5.0',
    });
  });

  it('writes an IPv4 peer on a dual-stack socket as IPv4, and keeps IPv6 as it is', () => {
    expect(observedRequest(request('::ffff:127.0.0.1')).ip).toBe('127.0.0.1');
    expect(observedRequest(request('2001:db8::1')).ip).toBe('2001:db8::1');
  });

  it('has no user agent when none or a blank one was sent, and keeps at most 1,000 characters of one', () => {
    expect(observedRequest(request('127.0.0.1')).userAgent).toBeNull();
    expect(observedRequest(request('127.0.0.1', { 'user-agent': '  ' })).userAgent).toBeNull();
    expect(observedRequest(request('127.0.0.1', { 'user-agent': 'x'.repeat(5000) })).userAgent).toHaveLength(1000);
  });

  it('has no address for a connection already closed', () => {
    expect(observedRequest(request(undefined)).ip).toBeNull();
  });
});
