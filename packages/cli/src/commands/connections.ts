import type { Connection } from '@latchkey/sdk';
import type { Command } from 'commander';
import { clientFrom, withApiOptions, type ApiOptions } from '../api/options.js';
import { examples, print, printRecord, type Column } from '../output.js';

const columns: Column<Connection>[] = [
  { header: 'id', value: (c) => c.id },
  { header: 'service', value: (c) => c.service },
  { header: 'status', value: (c) => c.status },
  { header: 'account', value: (c) => c.account },
  { header: 'expires', value: (c) => c.expiresAt },
];

/** `latchkey connections list|refresh|revoke`. */
export function registerConnections(program: Command): void {
  const group = program.command('connections').description('Your connections to services');
  withApiOptions(group.command('list'))
    .description('List your connections')
    .addHelpText('after', examples('latchkey connections list', 'latchkey connections list --format json'))
    .action(async (options: ApiOptions) => {
      const items = await clientFrom(options).connections.list();
      print(options.format, { items }, items, columns);
    });
  withApiOptions(group.command('refresh <id>'))
    .description('Refresh a connection’s token now')
    .addHelpText('after', examples('latchkey connections refresh con_…'))
    .action(async (id: string, options: ApiOptions) => {
      const connection = await clientFrom(options).connections.refresh(id);
      printRecord(options.format, connection);
    });
  withApiOptions(group.command('revoke <id>'))
    .description('Disconnect: revoke the connection’s tokens and forget them')
    .addHelpText('after', examples('latchkey connections revoke con_…'))
    .action(async (id: string, options: ApiOptions) => {
      await clientFrom(options).connections.revoke(id);
      if (options.format === 'json') printRecord('json', { id, revoked: true });
      else process.stdout.write(`Revoked ${id}\n`);
    });
}
