import type { Command } from 'commander';
import { clientFrom, withApiOptions, type ApiOptions } from '../api/options.js';
import { examples, printRecord } from '../output.js';

/** `latchkey whoami`: the caller as the server sees it. */
export function registerWhoami(program: Command): void {
  withApiOptions(program.command('whoami'))
    .description('Show who the stored or given credential is')
    .addHelpText('after', examples('latchkey whoami', 'latchkey whoami --format json | jq .user.email'))
    .action(async (options: ApiOptions) => {
      const me = await clientFrom(options).me();
      if (options.format === 'json') printRecord('json', me);
      else
        printRecord('table', {
          user: me.user.email ?? me.user.subject,
          name: me.user.name,
          tenant: me.tenant?.slug,
          role: me.tenant?.role,
          credential: me.credential,
          apiToken: me.apiToken?.name,
        });
    });
}
