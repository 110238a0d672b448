/** The form field and value RFC 8058 has a mail client POST. */
const FIELD = 'List-Unsubscribe';
const VALUE = 'One-Click';

/**
 * Whether a request body is RFC 8058's one-click body, `List-Unsubscribe=One-Click`
 * (section 3.2: sent as `multipart/form-data`, RFC 7578, or as
 * `application/x-www-form-urlencoded`). A body without a content type, or as plain text,
 * is read as the urlencoded form, which is what it then looks like.
 * https://www.rfc-editor.org/rfc/rfc8058#section-3.2
 */
export function isOneClickBody(contentType: string | undefined, body: string): boolean {
  const [mediaType = '', ...parameters] = (contentType ?? '').split(';').map((part) => part.trim());
  if (mediaType.toLowerCase() === 'multipart/form-data') {
    const boundary = parameters.map((parameter) => /^boundary="?([^"]+)"?$/i.exec(parameter)?.[1]).find((value) => value !== undefined);
    return boundary !== undefined && multipartFields(body, boundary).get(FIELD) === VALUE;
  }
  return new URLSearchParams(body.trim()).get(FIELD) === VALUE;
}

/**
 * The text fields of a small multipart/form-data body, by name (the first of each).
 * Enough for one short field: no nested parts, no file uploads, no transfer encodings.
 */
function multipartFields(body: string, boundary: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const part of body.split(`--${boundary}`).slice(1)) {
    if (part.startsWith('--')) break; // the closing delimiter
    const split = part.indexOf('\r\n\r\n');
    if (split === -1) continue;
    const name = /^content-disposition:\s*form-data;.*?\bname="([^"]*)"/im.exec(part.slice(0, split))?.[1];
    if (name !== undefined && !fields.has(name)) fields.set(name, part.slice(split + 4).replace(/\r\n$/, '').trim());
  }
  return fields;
}
