import { createLatchkeyClient, unwrap } from '@latchkey/sdk';
import type { Command } from 'commander';
import { removeCredentials, writeCredentials } from '../api/credentials.js';
import { apiUrl, withApiOptions, type ApiOptions } from '../api/options.js';
import { CliError, ExitCode } from '../exit-codes.js';
import { examples, printRecord } from '../output.js';

interface LoginOptions extends ApiOptions {
  devUser?: string;
}

/** `latchkey login` / `logout`: store (or forget) the credential the other commands use. */
export function registerLogin(program: Command): void {
  withApiOptions(program.command('login'))
    .description('Check a token and store it (mode 0600) for the other commands')
    .option('--dev-user <user>', 'development mode: log in as a demo user (alice, gina, adam, olga)')
    .addHelpText(
      'after',
      examples(
        'latchkey login --api-url https://latchkey.example.com --token lk_…',
        'latchkey login --dev-user alice',
      ),
    )
    .action(async (options: LoginOptions) => {
      const baseUrl = apiUrl(options);
      let token = options.token;
      let expiresAt: string | undefined;
      if (options.devUser !== undefined) {
        const anonymous = createLatchkeyClient({ baseUrl });
        const minted = unwrap(
          await anonymous.api.POST('/dev-idp/token', { body: { user: options.devUser } }),
        );
        token = minted.access_token;
        expiresAt = new Date(Date.now() + minted.expires_in * 1000).toISOString();
      }
      if (token === undefined)
        throw new CliError('pass --token <token> or --dev-user <user>', ExitCode.usage);
      const me = await createLatchkeyClient({
        baseUrl,
        token,
        ...(options.tenant === undefined ? {} : { tenant: options.tenant }),
      }).me();
      const file = writeCredentials({
        url: baseUrl,
        token,
        kind: token.startsWith('lk_') ? 'lk' : 'idp',
        ...(options.tenant === undefined ? {} : { tenant: options.tenant }),
        ...(expiresAt === undefined ? {} : { expiresAt }),
      });
      if (options.format === 'json') printRecord('json', { url: baseUrl, credentials: file, me });
      else process.stdout.write(`Logged in to ${baseUrl} as ${me.user.email} (credentials in ${file})\n`);
    });

  program
    .command('logout')
    .description('Forget the stored credential')
    .addHelpText('after', examples('latchkey logout'))
    .action(() => {
      process.stdout.write(removeCredentials() ? 'Logged out\n' : 'Not logged in\n');
    });
}
