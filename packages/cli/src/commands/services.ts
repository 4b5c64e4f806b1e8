import type { Command } from 'commander';
import { clientFrom, withApiOptions, type ApiOptions } from '../api/options.js';
import { examples, print } from '../output.js';

/** `latchkey services`: the service catalogue. */
export function registerServices(program: Command): void {
  withApiOptions(program.command('services'))
    .description('List the services Latchkey can connect')
    .addHelpText('after', examples('latchkey services', 'latchkey services --format json'))
    .action(async (options: ApiOptions) => {
      const items = await clientFrom(options).services();
      print(options.format, { items }, items, [
        { header: 'id', value: (s) => s.id },
        { header: 'name', value: (s) => s.name },
        { header: 'connector', value: (s) => s.connector },
        { header: 'base url', value: (s) => s.baseUrl },
      ]);
    });
}
