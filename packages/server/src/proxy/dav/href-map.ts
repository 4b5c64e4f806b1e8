/**
 * The two places a DAV resource has an address: the upstream (`http://dav.internal/remote/dav/…`)
 * and the proxy (`https://latchkey.example.com/proxy/files/…`). Hrefs move between them by
 * swapping the base and keeping the rest **byte for byte**: percent-encoding is never decoded or
 * re-encoded (RFC 4918 §8.3 compares URLs by their octets after the path), so a client that
 * follows an href gets exactly the resource the server named.
 */
export interface DavBase {
  /** Scheme and authority, lowercase, no trailing slash: `https://latchkey.example.com`. */
  origin: string;
  /** Absolute path ending in `/`, in its encoded form: `/proxy/files/`. */
  path: string;
}

export interface DavBases {
  upstream: DavBase;
  proxy: DavBase;
}

/** `{ origin, path }` of a base URL; the path gets a trailing slash. */
export function davBase(url: string | URL): DavBase {
  const parsed = new URL(url);
  const path = parsed.pathname.endsWith('/') ? parsed.pathname : `${parsed.pathname}/`;
  return { origin: parsed.origin, path };
}

/** Scheme + authority of an absolute http(s) URL, and the rest (path, query) untouched. */
const ABSOLUTE = /^(https?:\/\/[^/?#]*)(.*)$/is;

function originOf(schemeAndAuthority: string): string | undefined {
  // URL normalises case and default ports, so `HTTP://Host:80` matches `http://host`.
  return URL.canParse(schemeAndAuthority) ? new URL(schemeAndAuthority).origin : undefined;
}

/** Swaps the path base `from` for `to`; the base without its trailing slash maps too. */
function swapPath(path: string, from: string, to: string): string | undefined {
  if (path.startsWith(from)) return to + path.slice(from.length);
  const bare = from.slice(0, -1);
  if (bare.length > 0 && (path === bare || path.startsWith(`${bare}?`))) {
    return to.slice(0, -1) + path.slice(bare.length);
  }
  return undefined;
}

function swap(href: string, from: DavBase, to: DavBase): string {
  if (href.startsWith('/')) {
    // A network-path reference (`//host/…`) names another host: never ours to rewrite.
    if (href.startsWith('//')) return href;
    return swapPath(href, from.path, to.path) ?? href;
  }
  const match = ABSOLUTE.exec(href);
  if (match === null) return href; // relative references and other schemes resolve by themselves
  const [, authority = '', rest = ''] = match;
  if (originOf(authority) !== from.origin) return href;
  const path = swapPath(rest === '' ? '/' : rest, from.path, to.path);
  return path === undefined ? href : to.origin + path;
}

/** An href the upstream wrote, as the client must see it (multistatus bodies, `Location`). */
export function toProxyHref(href: string, bases: DavBases): string {
  return swap(href, bases.upstream, bases.proxy);
}

/** An href the client wrote, as the upstream must see it (REPORT bodies, `Destination`, `If`). */
export function toUpstreamHref(href: string, bases: DavBases): string {
  return swap(href, bases.proxy, bases.upstream);
}
