import { pathProblem } from '../check-path.js';
import { toProxyHref, toUpstreamHref, type DavBases } from './href-map.js';

/**
 * `Destination` of COPY and MOVE (RFC 4918 §10.3): an absolute URI naming the proxy, which the
 * upstream must see under its own base (many clients send a path only; both are mapped).
 */
export function rewriteDestination(value: string, bases: DavBases): string {
  return toUpstreamHref(value.trim(), bases);
}

/**
 * Why a `Destination` must be refused, or undefined. COPY and MOVE write where it points, so it
 * gets the request path's SSRF and traversal rules (SPEC §6.1) and must stay below the service's
 * base: a `Destination` naming another service, another host or `../` past the base would let a
 * token scoped to one service write into another place of the same server.
 */
export function destinationProblem(value: string, bases: DavBases): string | undefined {
  const mapped = rewriteDestination(value, bases);
  let path: string;
  if (mapped.startsWith('/')) path = mapped;
  else if (URL.canParse(mapped) && new URL(mapped).origin === bases.upstream.origin) {
    const slash = mapped.indexOf('/', mapped.indexOf('//') + 2);
    path = slash < 0 ? '/' : mapped.slice(slash);
  } else return 'Destination must name a resource of this service';
  const [pathOnly = ''] = path.split(/[?#]/, 1);
  const bare = bases.upstream.path.slice(0, -1);
  if (!pathOnly.startsWith(bases.upstream.path) && pathOnly !== bare) {
    return 'Destination must name a resource of this service';
  }
  const problem = pathProblem(pathOnly);
  return problem === undefined ? undefined : `Destination: ${problem}`;
}

/** `Location` and `Content-Location` of an upstream response, as the client must follow them. */
export function rewriteLocation(value: string, bases: DavBases): string {
  return toProxyHref(value.trim(), bases);
}

/**
 * The `If` header (RFC 4918 §10.4): the Resource-Tags of tagged lists (`<url> (…)`) name
 * resources and are mapped; everything inside a list — lock tokens (Coded-URLs) and entity tags
 * — is an opaque state and passes byte for byte. Without the mapping, the upstream compares the
 * tag with its own URL, finds no match and refuses the request with 412 (RFC 4918 §10.4.3).
 */
export function rewriteIfHeader(value: string, bases: DavBases): string {
  let out = '';
  let depth = 0;
  let i = 0;
  while (i < value.length) {
    const c = value.charAt(i);
    if (c === '<') {
      const end = value.indexOf('>', i + 1);
      if (end < 0) return value; // malformed: let the upstream judge the original
      const ref = value.slice(i + 1, end);
      out += depth === 0 ? `<${toUpstreamHref(ref, bases)}>` : `<${ref}>`;
      i = end + 1;
      continue;
    }
    if (c === '[' && depth > 0) {
      // An entity-tag may hold `)` or `>`; skip its quoted string whole.
      const quote = value.indexOf('"', i);
      const close = quote < 0 ? -1 : value.indexOf('"', quote + 1);
      const end = close < 0 ? -1 : value.indexOf(']', close);
      if (end < 0) return value;
      out += value.slice(i, end + 1);
      i = end + 1;
      continue;
    }
    if (c === '(') depth += 1;
    if (c === ')') depth = Math.max(0, depth - 1);
    out += c;
    i += 1;
  }
  return out;
}
