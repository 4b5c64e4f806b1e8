import type { Command } from 'commander';
import { serverConfig } from '../server-config.js';
import { serverModule } from '../server-module.js';
import { CliError, ExitCode } from '../exit-codes.js';

interface ServeOptions {
  config?: string;
  port?: string;
  host?: string;
  /** False with `--no-workers`. */
  workers: boolean;
  workersOnly?: boolean;
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('Run the Latchkey server (embedded store and development IdP when nothing is configured)')
    .option('-c, --config <file>', 'YAML configuration file (env LATCHKEY_CONFIG)')
    .option('-p, --port <port>', 'port to listen on (env LATCHKEY_PORT)')
    .option('--host <host>', 'interface to listen on (env LATCHKEY_HOST)')
    .option('--no-workers', 'serve HTTP only; another replica runs the background workers')
    .option('--workers-only', 'run the background workers (sealer, ingest, deliveries), no HTTP')
    .addHelpText(
      'after',
      '\nExamples:\n  $ latchkey serve\n  $ latchkey serve --config /etc/latchkey.yaml --port 8443\n',
    )
    .action(async (options: ServeOptions) => {
      const env = { ...process.env };
      if (options.port !== undefined) env.LATCHKEY_PORT = options.port;
      if (options.host !== undefined) env.LATCHKEY_HOST = options.host;
      const started = Date.now();
      const config = await serverConfig(options, env);
      const { startServer } = await serverModule();
      if (options.workersOnly === true && !options.workers) {
        throw new CliError('--workers-only and --no-workers exclude each other', ExitCode.usage);
      }
      const server = await startServer(config, {
        workers: options.workers,
        listen: options.workersOnly !== true,
      });
      const log = server.app.log;
      if (config.devMode) {
        log.warn('DEVELOPMENT MODE: development IdP and demo users are enabled; never expose this instance');
      }
      log.info(
        { url: server.url, store: server.services.store.kind, startupMs: Date.now() - started },
        'Latchkey is ready',
      );
      process.stdout.write(
        [
          '',
          `  Latchkey console: ${server.url}/`,
          config.devMode
            ? `  Development mode: sign in as alice (member), gina (guest), adam (tenant admin) or olga (platform admin).\n  API token for a demo user: curl -X POST ${server.url}/dev-idp/token -H 'content-type: application/json' -d '{"user":"alice"}'`
            : '',
          `  API reference:    ${server.url}/api/v1/docs`,
          '',
        ]
          .filter((l) => l !== '')
          .join('\n') + '\n\n',
      );
      let stopping = false;
      const stop = (signal: string) => {
        if (stopping) return;
        stopping = true;
        log.info({ signal }, 'shutting down');
        server.close().then(
          () => process.exit(0),
          () => process.exit(1),
        );
      };
      process.once('SIGINT', () => {
        stop('SIGINT');
      });
      process.once('SIGTERM', () => {
        stop('SIGTERM');
      });
    });
}
