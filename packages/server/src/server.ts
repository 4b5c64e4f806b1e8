import { createServer } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { buildApp, type BuildOptions } from './app.js';
import type { Config } from './config/load.js';
import type { AppServices } from './services.js';
import { buildWorkers } from './workers/all-workers.js';
import type { WorkerSet } from './workers/worker.js';

export interface RunningServer {
  app: FastifyInstance;
  services: AppServices;
  /** The URL users reach this server at. */
  url: string;
  /** The background workers this replica runs (none with `workers: false`). */
  workers: WorkerSet | undefined;
  close(): Promise<void>;
}

export interface StartOptions extends BuildOptions {
  /** Run the background workers (sealer, ingest, deliveries); default true (`--no-workers`: false). */
  workers?: boolean;
  /** Serve HTTP; default true (`--workers-only`: false). */
  listen?: boolean;
}

/** Asks the kernel for a free port on `host` (the dev IdP issuer must know its port before listening). */
export function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, host, () => {
      const address = srv.address();
      srv.close(() => {
        if (address !== null && typeof address === 'object') resolve(address.port);
        else reject(new Error('no port'));
      });
    });
  });
}

/** The config with a concrete port; a derived public URL follows it. */
export function withPort(config: Config, port: number): Config {
  const derived = config.server.publicUrl.endsWith(`:${config.server.port}`);
  const publicUrl = derived
    ? `${config.server.publicUrl.slice(0, -String(config.server.port).length)}${port}`
    : config.server.publicUrl;
  return Object.freeze({ ...config, server: Object.freeze({ ...config.server, port, publicUrl }) });
}

/**
 * Builds the app, listens and starts the background workers. Port 0 picks a free port first, so
 * every URL the app mints is right. `close` stops the workers (finishing their current run) before
 * the store closes.
 */
export async function startServer(config: Config, options: StartOptions = {}): Promise<RunningServer> {
  const resolved = config.server.port === 0 ? withPort(config, await freePort(config.server.host)) : config;
  const { app, services } = await buildApp(resolved, options);
  const workers = options.workers === false ? undefined : buildWorkers(services, app.log);
  try {
    if (options.listen !== false)
      await app.listen({ host: resolved.server.host, port: resolved.server.port });
    await workers?.start();
  } catch (err) {
    await workers?.stop();
    await app.close();
    throw err;
  }
  return {
    app,
    services,
    url: resolved.server.publicUrl,
    workers,
    close: async () => {
      await workers?.stop();
      await app.close();
    },
  };
}
