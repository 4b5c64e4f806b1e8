/*
 * RFC 6764 §5: a client given only a host asks `/.well-known/caldav` or `/.well-known/carddav`
 * and follows the redirect to the DAV root, where it finds its principal (RFC 5397).
 */

const WELL_KNOWN = /^\.well-known\/(caldav|carddav)\/?$/;

/**
 * The redirect target for a well-known DAV request, or undefined when `path` is not one.
 * `path` is the request path relative to the service's root (after `/proxy/{service}/`, or the
 * whole path on a host-routed service, without its leading slash); `root` is the DAV root as
 * the client sees it (`/proxy/{service}/`, or `/`). The service's root is the DAV root: its
 * `baseUrl` is where the DAV server answers.
 */
export function wellKnownRedirect(path: string, root: string): string | undefined {
  const [pathOnly = ''] = path.split('?', 1);
  return WELL_KNOWN.test(pathOnly) ? root : undefined;
}
