import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { loadConsoleBundle, type ConsoleBundle } from '../console/assets.js';
import { AppError } from '../errors.js';
import { page } from '../http/html.js';
import type { AppServices } from '../services.js';

/**
 * The console runs only scripts from this origin; styles may be inline because the component
 * library writes its CSS variables into `<style>` elements at run time. Nothing may frame it.
 */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Client-side routes of the console answered with its index.html. Listed, not a catch-all, so
 * /api, /auth, /proxy, /oauth, /connect, /dev-idp, /ingest and the probes keep their own 404s.
 */
export const CONSOLE_ROUTES = ['/', '/tokens', '/audit', '/admin', '/admin/*', '/operator', '/operator/*'];

const notBuilt = page(
  'Latchkey',
  `<h1>Latchkey</h1>
   <p>The web console has not been built. Run <code>npm run build</code>, then restart the server.</p>
   <p><a href="/api/v1/docs">API reference</a></p>`,
  { devBanner: false },
);

/** The web console: its index for every client route, its hashed assets cached for a year. */
export const consoleRoutes: FastifyPluginAsyncZod<{ services: AppServices; bundle?: ConsoleBundle }> = async (
  app,
  options,
) => {
  const bundle = options.bundle ?? loadConsoleBundle();
  for (const url of CONSOLE_ROUTES) {
    app.get(url, { config: { auth: 'none' }, schema: { hide: true } }, (_request, reply) =>
      reply
        .type('text/html; charset=utf-8')
        // The index names the current hashed assets: always revalidate it.
        .header('cache-control', 'no-cache')
        .header('content-security-policy', CONSOLE_CSP)
        .header('x-content-type-options', 'nosniff')
        .header('referrer-policy', 'same-origin')
        .send(bundle?.index ?? notBuilt),
    );
  }
  app.get(
    '/assets/:file',
    {
      config: { auth: 'none' },
      schema: { hide: true, params: z.object({ file: z.string().max(200) }) },
    },
    (request, reply) => {
      const asset = bundle?.assets.get(request.params.file);
      if (asset === undefined) throw new AppError('not_found', 'no such console asset');
      return (
        reply
          .type(asset.type)
          // File names carry a content hash: a new build is a new URL.
          .header('cache-control', 'public, max-age=31536000, immutable')
          .header('x-content-type-options', 'nosniff')
          .send(asset.body)
      );
    },
  );
  if (options.services.config.devMode && bundle === undefined) {
    app.log.warn('the web console is not built (npm run build); / shows a placeholder');
  }
};
