import { isOneClickBody } from '../../src/server/one-click-body';

describe('isOneClickBody (RFC 8058 section 3.2)', () => {
  const multipart = (value: string, boundary = 'XyZ') =>
    [`--${boundary}`, 'Content-Disposition: form-data; name="List-Unsubscribe"', '', value, `--${boundary}--`, ''].join('\r\n');

  it.each([
    ['form-encoded, as Gmail sends it', 'application/x-www-form-urlencoded', 'List-Unsubscribe=One-Click'],
    ['form-encoded with a charset and a trailing newline', 'application/x-www-form-urlencoded; charset=utf-8', 'List-Unsubscribe=One-Click\n'],
    ['without a content type', undefined, 'List-Unsubscribe=One-Click'],
    ['as multipart/form-data', 'multipart/form-data; boundary=XyZ', multipart('One-Click')],
    ['as multipart/form-data with a quoted boundary', 'multipart/form-data; boundary="a b"', multipart('One-Click', 'a b')],
  ])('accepts the body %s', (_case, contentType, body) => {
    expect(isOneClickBody(contentType, body)).toBe(true);
  });

  it.each([
    ['an empty body', 'application/x-www-form-urlencoded', ''],
    ['another value', 'application/x-www-form-urlencoded', 'List-Unsubscribe=Yes'],
    ['another field', 'application/x-www-form-urlencoded', 'Unsubscribe=One-Click'],
    ['JSON', 'application/json', '{"List-Unsubscribe":"One-Click"}'],
    ['multipart without its boundary', 'multipart/form-data', multipart('One-Click')],
    ['multipart with another value', 'multipart/form-data; boundary=XyZ', multipart('no')],
  ])('refuses %s', (_case, contentType, body) => {
    expect(isOneClickBody(contentType, body)).toBe(false);
  });
});
