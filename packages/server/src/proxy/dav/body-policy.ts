/*
 * Which DAV bodies are rewritten. Only the XML of DAV methods is: file bodies (GET, PUT, POST)
 * stream through untouched whatever their type, so an `.xml` file is downloaded as stored.
 */

/** Methods whose request body may carry hrefs (RFC 4791 §7.9 multiget, RFC 5323 §5.2 scope). */
const HREF_REQUEST_METHODS = new Set(['REPORT', 'SEARCH']);

/** Methods answered with DAV XML that may name resources (multistatus, lock roots, errors). */
const DAV_XML_METHODS = new Set([
  'PROPFIND',
  'PROPPATCH',
  'REPORT',
  'SEARCH',
  'MKCOL',
  'MKCALENDAR',
  'COPY',
  'MOVE',
  'DELETE',
  'LOCK',
  'UNLOCK',
]);

/** Content codings the proxy can undo before rewriting (RFC 9110 §8.4.1). */
const DECODABLE = new Set(['gzip', 'x-gzip', 'deflate', 'br']);

/** `application/xml`, `text/xml` and `+xml` types (RFC 7303), whatever the parameters. */
export function isXmlContentType(value: string | undefined): boolean {
  const type = (value ?? '').split(';', 1)[0]?.trim().toLowerCase() ?? '';
  return type === 'application/xml' || type === 'text/xml' || type.endsWith('+xml');
}

/** A REPORT or SEARCH body, buffered (bounded) so its hrefs can be mapped to the upstream. */
export function rewritesRequestBody(method: string, contentType: string | undefined): boolean {
  return HREF_REQUEST_METHODS.has(method.toUpperCase()) && isXmlContentType(contentType);
}

/**
 * Asked upstream with `Accept-Encoding: identity` (RFC 9110 §12.5.3): the response of a DAV
 * method is rewritten, and an uncompressed one needs no inflate step.
 */
export function asksIdentityEncoding(method: string): boolean {
  return DAV_XML_METHODS.has(method.toUpperCase());
}

export type ResponseRewrite =
  { rewrite: false } | { rewrite: true; decode: 'gzip' | 'deflate' | 'br' | undefined };

/**
 * Whether an upstream response body is rewritten: XML, of a DAV method, with a body; compressed
 * despite `identity`, it is decoded first — or, coded in a way the proxy cannot undo, passed on
 * untouched (a client still gets a valid, if unmapped, body).
 */
export function responseRewrite(
  method: string,
  status: number,
  contentType: string | undefined,
  contentEncoding: string | undefined,
): ResponseRewrite {
  if (!DAV_XML_METHODS.has(method.toUpperCase())) return { rewrite: false };
  if (status === 204 || status === 304 || status < 200) return { rewrite: false };
  if (!isXmlContentType(contentType)) return { rewrite: false };
  const codings = (contentEncoding ?? '')
    .split(',')
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c !== '' && c !== 'identity');
  if (codings.length === 0) return { rewrite: true, decode: undefined };
  const [coding] = codings;
  if (codings.length > 1 || coding === undefined || !DECODABLE.has(coding)) return { rewrite: false };
  return { rewrite: true, decode: coding === 'x-gzip' ? 'gzip' : (coding as 'gzip' | 'deflate' | 'br') };
}
