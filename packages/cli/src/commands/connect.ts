import { setTimeout as sleep } from 'node:timers/promises';
import type { Command } from 'commander';
import { openBrowser } from '../api/open-browser.js';
import { clientFrom, withApiOptions, type ApiOptions } from '../api/options.js';
import { CliError, ExitCode } from '../exit-codes.js';
import { examples, printRecord, progress } from '../output.js';

interface ConnectOptions extends ApiOptions {
  open: boolean;
  wait: boolean;
  timeout: string;
  interval: string;
}

function seconds(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0)
    throw new CliError(`${flag} must be a positive number of seconds`, ExitCode.usage);
  return n;
}

/** `latchkey connect <service>`: start the consent, open it, wait until the connection is active. */
export function registerConnect(program: Command): void {
  withApiOptions(program.command('connect <service>'))
    .description('Connect a service: prints (and opens) the consent URL, then waits for the consent')
    .option('--no-open', 'do not try to open a browser')
    .option('--no-wait', 'print the consent URL and exit 3 without waiting')
    .option('--timeout <seconds>', 'how long to wait for the consent', '600')
    .option('--interval <seconds>', 'how often to check', '2')
    .addHelpText('after', examples('latchkey connect files', 'latchkey connect mail --no-open --timeout 120'))
    .action(async (service: string, options: ConnectOptions) => {
      const timeout = seconds(options.timeout, '--timeout');
      const interval = seconds(options.interval, '--interval');
      const lk = clientFrom(options);
      const started = await lk.connect(service);
      if (!('authorizationUrl' in started)) {
        if (options.format === 'json') printRecord('json', started);
        else process.stdout.write(`${service} is already connected (${started.id})\n`);
        return;
      }
      progress(`Open this URL to consent to ${service}:\n  ${started.authorizationUrl}`);
      if (options.open && openBrowser(started.authorizationUrl)) progress('(opening your browser)');
      if (!options.wait) {
        if (options.format === 'json') printRecord('json', started);
        throw new CliError(`consent required for ${service}`, ExitCode.consentRequired);
      }
      const deadline = Date.now() + timeout * 1000;
      progress(`Waiting for the consent (up to ${String(timeout)} s)…`);
      while (Date.now() < deadline) {
        await sleep(interval * 1000);
        const connection = (await lk.connections.list()).find(
          (c) => c.service === service && c.status === 'active',
        );
        if (connection !== undefined) {
          if (options.format === 'json') printRecord('json', connection);
          else process.stdout.write(`Connected ${service} (${connection.id})\n`);
          return;
        }
        progress('  still waiting…');
      }
      throw new CliError(
        `no consent for ${service} within ${String(timeout)} s; open ${started.authorizationUrl}`,
        ExitCode.consentRequired,
      );
    });
}
