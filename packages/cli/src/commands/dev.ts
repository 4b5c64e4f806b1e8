import type { Command } from 'commander';
import { CliError, ExitCode } from '../exit-codes.js';

export function registerDev(program: Command): void {
  const dev = program.command('dev').description('Development-mode helpers');
  dev
    .command('token <user>')
    .description('Print an IdP access token for a demo user (alice, gina, adam, olga)')
    .option('--audience <aud>', 'token audience (latchkey-operator for the operator API)', 'latchkey')
    .option('--api-url <url>', 'Latchkey URL (env LATCHKEY_URL)')
    .addHelpText(
      'after',
      '\nExample:\n  $ export TOKEN=$(latchkey dev token alice)\n  $ curl -H "Authorization: Bearer $TOKEN" http://127.0.0.1:8080/api/v1/me\n',
    )
    .action(async (user: string, options: { audience: string; apiUrl?: string }) => {
      const base = (options.apiUrl ?? process.env.LATCHKEY_URL ?? 'http://127.0.0.1:8080').replace(
        /\/+$/,
        '',
      );
      let res: Response;
      try {
        res = await fetch(`${base}/dev-idp/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ user, audience: options.audience }),
        });
      } catch {
        throw new CliError(`cannot reach Latchkey at ${base}`);
      }
      const body = (await res.json().catch(() => ({}))) as { access_token?: string; detail?: string };
      if (!res.ok || body.access_token === undefined) {
        throw new CliError(
          body.detail ?? `Latchkey answered ${res.status}`,
          res.status === 400 ? ExitCode.usage : ExitCode.error,
        );
      }
      process.stdout.write(`${body.access_token}\n`);
    });
}
