import type { FastifyInstance, HTTPMethods } from 'fastify';
import type { AppServices } from '../../services.js';
import { hostRoutes, serviceForHost } from '../../proxy/targets.js';

/** Methods discovery clients use on a well-known URI: DAVx5 and tsdav try PROPFIND, then GET. */
const DISCOVERY_METHODS: HTTPMethods[] = ['GET', 'HEAD', 'PROPFIND'];

/**
 * RFC 6764 §5 for every `dav: true` service: `/.well-known/caldav` and `/.well-known/carddav`
 * redirect to the service's DAV root, where the client finds its principal (RFC 5397). Under the
 * path prefix that is `/proxy/{id}/.well-known/…` → `/proxy/{id}/`; on a host route the request
 * is `/.well-known/…` on that host and the root is the upstream's own base path (host routes keep
 * the upstream's paths). No credential is needed: the answer only names a path any client of the
 * service already knows, and clients ask before they authenticate.
 */
export async function davWellKnownRoutes(
  app: FastifyInstance,
  { services }: { services: AppServices },
): Promise<void> {
  const catalogue = services.connectors.services;
  const hosts = hostRoutes(catalogue);
  // A PROPFIND may carry a body of any type: it is not needed to answer, so it is drained unread.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, payload, done) => {
    payload.resume();
    done(null);
  });
  for (const service of catalogue) {
    if (!service.dav) continue;
    const prefixRoot = `/proxy/${service.id}/`;
    const hostRoot = new URL(service.baseUrl).pathname.replace(/\/?$/, '/');
    for (const kind of ['caldav', 'carddav']) {
      for (const url of [`${prefixRoot}.well-known/${kind}`, `${prefixRoot}.well-known/${kind}/`]) {
        app.route({
          method: DISCOVERY_METHODS,
          url,
          config: { auth: 'none' },
          schema: { hide: true },
          handler: async (request, reply) => {
            const hostRouted = serviceForHost(hosts, request.headers.host) === service.id;
            // 301 as deployed DAV servers answer it; clients re-ask with PROPFIND at the target.
            return reply
              .code(301)
              .header('location', hostRouted ? hostRoot : prefixRoot)
              .header('cache-control', 'no-store')
              .send();
          },
        });
      }
    }
  }
}
