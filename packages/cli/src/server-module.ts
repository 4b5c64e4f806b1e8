/**
 * The server package, loaded only by the commands that run server code (serve, migrate, keys,
 * audit verify, doctor): API commands then start without loading the server's dependencies.
 */
export function serverModule(): Promise<typeof import('@latchkey/server')> {
  return import('@latchkey/server');
}
