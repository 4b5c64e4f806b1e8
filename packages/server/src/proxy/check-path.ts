/**
 * The SSRF and traversal guard of SPEC §6.1. The path forwarded upstream is the client's raw
 * bytes; this checks decoded copies of it and answers why it must be refused, or `undefined`.
 *
 * Rules (on the path only; the query string is passed through unchanged):
 * - origin-form only (RFC 9112 §3.2.1): it starts with one `/`, never `//` (an authority) nor a
 *   scheme (`http:`) — an absolute URL or `user@host` userinfo cannot sneak in;
 * - no CR, LF or NUL, raw or percent-encoded (header and request-line injection);
 * - no backslash, raw or encoded (`%5c`): some servers treat it as a separator;
 * - no encoded slash (`%2f`): it would let a segment hide a separator past this check;
 * - no `.` or `..` segment after decoding (RFC 3986 §5.2.4 dot-segments), including encodings
 *   like `%2e%2e` and doubly encoded `%252e%252e` (up to three decoding rounds);
 * - malformed percent-encoding (RFC 3986 §2.1) is refused rather than guessed.
 */
export function pathProblem(rawPath: string): string | undefined {
  return isPlainPath(rawPath) ? undefined : decodedPathProblem(rawPath);
}

/**
 * RFC 3986 unreserved characters, sub-delims, `@` and `/`: nothing to decode, no separator in
 * disguise, no `:` that could start a scheme. Everything else (`%`, `\`, `:`, controls, spaces,
 * non-ASCII) takes the full check.
 */
const PLAIN = new Uint8Array(128);
for (const c of "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!$&'()*+,;=@/") {
  PLAIN[c.charCodeAt(0)] = 1;
}

/**
 * One pass over the characters that proves the full rules would accept the path: origin-form,
 * plain characters only, no `.` or `..` segment. Almost every real path is plain, and the full
 * rules (several regular expressions, a split) ran on every proxied request.
 */
export function isPlainPath(path: string): boolean {
  if (path.charCodeAt(0) !== 47 /* / */ || path.charCodeAt(1) === 47) return false;
  let segmentStart = 1;
  for (let i = 1; i <= path.length; i++) {
    const c = i === path.length ? 47 : path.charCodeAt(i);
    if (c === 47) {
      const length = i - segmentStart;
      if (length === 1 && path.charCodeAt(segmentStart) === 46 /* . */) return false;
      if (length === 2 && path.charCodeAt(segmentStart) === 46 && path.charCodeAt(segmentStart + 1) === 46) {
        return false;
      }
      segmentStart = i + 1;
    } else if (c >= 128 || PLAIN[c] !== 1) return false;
  }
  return true;
}

/** The complete rules above, decoding layer by layer; `pathProblem` skips them for plain paths. */
export function decodedPathProblem(rawPath: string): string | undefined {
  if (!rawPath.startsWith('/')) return 'the path must start with "/"';
  if (rawPath.startsWith('//')) return 'the path must not start with "//"';
  let current = rawPath;
  for (let round = 0; round < 3; round++) {
    const problem = layerProblem(current);
    if (problem !== undefined) return problem;
    if (!current.includes('%')) return undefined;
    if (/%2f/i.test(current)) return 'encoded slashes are not allowed in the path';
    let decoded: string;
    try {
      decoded = decodeURIComponent(current);
    } catch {
      return 'malformed percent-encoding in the path';
    }
    if (decoded === current) return undefined;
    current = decoded;
  }
  return layerProblem(current);
}

// eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
const CONTROL = /[\u0000-\u001f\u007f]/;

function layerProblem(path: string): string | undefined {
  if (CONTROL.test(path)) return 'control characters are not allowed in the path';
  if (path.includes('\\')) return 'backslashes are not allowed in the path';
  if (/%5c/i.test(path)) return 'backslashes are not allowed in the path';
  if (/%(0[0-9a-f]|1[0-9a-f]|7f)/i.test(path)) return 'control characters are not allowed in the path';
  for (const segment of path.split('/')) {
    if (segment === '..' || segment === '.') return 'dot segments are not allowed in the path';
  }
  if (path.startsWith('//')) return 'the path must not start with "//"';
  // An absolute URL smuggled as the first segment (`/http://evil/`): refused, as SPEC §6.1 asks.
  if (/^\/+[a-z][a-z0-9+.-]*:\/\//i.test(path)) return 'absolute URLs are not allowed in the path';
  return undefined;
}
