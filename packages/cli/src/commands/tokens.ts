import type { ApiToken, CreateApiToken, CreatedApiToken } from '@latchkey/sdk';
import type { Command } from 'commander';
import { clientFrom, withApiOptions, type ApiOptions } from '../api/options.js';
import { CliError, ExitCode } from '../exit-codes.js';
import { examples, print, printRecord, type Column } from '../output.js';

const columns: Column<ApiToken>[] = [
  { header: 'id', value: (t) => t.id },
  { header: 'name', value: (t) => t.name },
  { header: 'services', value: (t) => t.services },
  { header: 'permissions', value: (t) => t.permissions },
  { header: 'status', value: (t) => t.status },
  { header: 'expires', value: (t) => t.expiresAt },
];

const PERMISSIONS = ['read', 'write', 'delete', 'exchange'] as const;
type Permission = (typeof PERMISSIONS)[number];
const PRESETS = [7, 30, 90, 365] as const;

function collect(value: string, previous: string[]): string[] {
  return [...previous, ...value.split(',').filter((v) => v !== '')];
}

function isPermission(value: string): value is Permission {
  return (PERMISSIONS as readonly string[]).includes(value);
}

interface CreateOptions extends ApiOptions {
  name: string;
  service: string[];
  permission: string[];
  expiresInDays: string;
  description?: string;
  cidr: string[];
}

/** The secret is shown once: on stdout alone (table) so `$(…)` captures it, or in the JSON. */
function printCreated(format: 'table' | 'json', created: CreatedApiToken): void {
  if (format === 'json') {
    printRecord('json', created);
    return;
  }
  process.stderr.write(
    `Created ${created.apiToken.name} (${created.apiToken.id}). The secret is shown this once:\n`,
  );
  process.stdout.write(`${created.token}\n`);
}

/** `latchkey tokens create|list|show|rotate|revoke`. */
export function registerTokens(program: Command): void {
  const group = program.command('tokens').description('Your API tokens');
  withApiOptions(group.command('create'))
    .description('Create an API token (the secret is printed once)')
    .requiredOption('--name <name>', 'a name unique among your tokens')
    .option('--service <id>', 'service it may call (repeat, or * for all)', collect, [])
    .option('--permission <perm>', 'read, write, delete, exchange (repeat)', collect, [])
    .option('--expires-in-days <days>', '7, 30, 90 or 365', '30')
    .option('--description <text>', 'what it is for')
    .option('--cidr <cidr>', 'only from this address range (repeat)', collect, [])
    .addHelpText(
      'after',
      examples(
        'latchkey tokens create --name ci --service files --permission read --permission write',
        'export LATCHKEY_TOKEN=$(latchkey tokens create --name agent --service demo --permission read)',
      ),
    )
    .action(async (options: CreateOptions) => {
      const days = Number(options.expiresInDays);
      const preset = PRESETS.find((p) => p === days);
      if (preset === undefined)
        throw new CliError('--expires-in-days must be 7, 30, 90 or 365', ExitCode.usage);
      const permissions = options.permission.length === 0 ? ['read'] : options.permission;
      const bad = permissions.find((p) => !isPermission(p));
      if (bad !== undefined) throw new CliError(`unknown permission ${bad}`, ExitCode.usage);
      if (options.service.length === 0) throw new CliError('name at least one --service', ExitCode.usage);
      const input: CreateApiToken = {
        name: options.name,
        services: options.service,
        permissions: permissions.filter(isPermission),
        expiresInDays: preset,
        allowedCidrs: options.cidr,
        ...(options.description === undefined ? {} : { description: options.description }),
      };
      printCreated(options.format, await clientFrom(options).tokens.create(input));
    });
  withApiOptions(group.command('list'))
    .description('List your API tokens')
    .addHelpText('after', examples('latchkey tokens list', 'latchkey tokens list --format json'))
    .action(async (options: ApiOptions) => {
      const items = await clientFrom(options).tokens.list();
      print(options.format, { items }, items, columns);
    });
  withApiOptions(group.command('show <id>'))
    .description('Show one API token')
    .addHelpText('after', examples('latchkey tokens show tok_…'))
    .action(async (id: string, options: ApiOptions) => {
      printRecord(options.format, await clientFrom(options).tokens.get(id));
    });
  withApiOptions(group.command('rotate <id>'))
    .description('Replace a token’s secret (the new secret is printed once)')
    .option('--grace <seconds>', 'how long the old secret keeps working (≤ 86400)', '0')
    .addHelpText('after', examples('latchkey tokens rotate tok_… --grace 3600'))
    .action(async (id: string, options: ApiOptions & { grace: string }) => {
      const grace = Number(options.grace);
      if (!Number.isInteger(grace) || grace < 0)
        throw new CliError('--grace must be whole seconds', ExitCode.usage);
      printCreated(
        options.format,
        await clientFrom(options).tokens.rotate(id, { gracePeriodSeconds: grace }),
      );
    });
  withApiOptions(group.command('revoke <id>'))
    .description('Revoke an API token now')
    .addHelpText('after', examples('latchkey tokens revoke tok_…'))
    .action(async (id: string, options: ApiOptions) => {
      await clientFrom(options).tokens.revoke(id);
      if (options.format === 'json') printRecord('json', { id, revoked: true });
      else process.stdout.write(`Revoked ${id}\n`);
    });
}
