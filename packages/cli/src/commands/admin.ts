import { unwrap } from '@latchkey/sdk';
import type { Command } from 'commander';
import { clientFrom, withApiOptions, type ApiOptions } from '../api/options.js';
import { CliError, ExitCode } from '../exit-codes.js';
import { examples, print, printRecord } from '../output.js';

interface RevokeOptions extends ApiOptions {
  user?: string;
  service?: string;
  reason?: string;
}

interface SettingsOptions extends ApiOptions {
  refresh?: string;
  beforeExpiry?: string;
  maxConcurrency?: string;
}

function whole(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new CliError(`${flag} must be a whole number`, ExitCode.usage);
  return n;
}

/** `latchkey admin users|revoke|settings`: tenant administration. */
export function registerAdmin(program: Command): void {
  const admin = program.command('admin').description('Tenant administration (tenant admins)');
  withApiOptions(admin.command('users'))
    .description('List the tenant’s users with their tokens and connections')
    .addHelpText('after', examples('latchkey admin users', 'latchkey admin users --format json'))
    .action(async (options: ApiOptions) => {
      const { items } = unwrap(await clientFrom(options).api.GET('/api/v1/admin/users'));
      print(options.format, { items }, items, [
        { header: 'id', value: (u) => u.id },
        { header: 'email', value: (u) => u.email },
        { header: 'role', value: (u) => u.role },
        { header: 'last seen', value: (u) => u.lastSeenAt },
      ]);
    });
  withApiOptions(admin.command('revoke [ids...]'))
    .description('Revoke API tokens at once: by id, every token of a user, or every token for a service')
    .option('--user <id>', 'every token of this user')
    .option('--service <id>', 'every token that may call this service')
    .option('--reason <text>', 'recorded in the audit log')
    .addHelpText(
      'after',
      examples(
        'latchkey admin revoke tok_a tok_b --reason leaked',
        'latchkey admin revoke --user usr_… --reason offboarding',
      ),
    )
    .action(async (ids: string[], options: RevokeOptions) => {
      if (ids.length === 0 && options.user === undefined && options.service === undefined) {
        throw new CliError('name token ids, --user or --service', ExitCode.usage);
      }
      const result = unwrap(
        await clientFrom(options).api.POST('/api/v1/admin/revocations', {
          body: {
            ...(ids.length === 0 ? {} : { ids }),
            ...(options.user === undefined ? {} : { userId: options.user }),
            ...(options.service === undefined ? {} : { service: options.service }),
            ...(options.reason === undefined ? {} : { reason: options.reason }),
          },
        }),
      );
      if (options.format === 'json') printRecord('json', result);
      else process.stdout.write(`Revoked ${String(result.revoked)} token(s)\n`);
    });
  withApiOptions(admin.command('settings <service>'))
    .description('Show or change a service’s refresh settings for the tenant')
    .option('--refresh <on|off>', 'background refresh on or off')
    .option('--before-expiry <seconds>', 'refresh this many seconds before expiry')
    .option('--max-concurrency <n>', 'refreshes of this service running at once')
    .addHelpText(
      'after',
      examples(
        'latchkey admin settings files',
        'latchkey admin settings files --refresh off',
        'latchkey admin settings mail --before-expiry 600',
      ),
    )
    .action(async (service: string, options: SettingsOptions) => {
      const lk = clientFrom(options);
      const params = { params: { path: { id: service } } };
      const current = unwrap(await lk.api.GET('/api/v1/admin/services/{id}/settings', params));
      const before = whole(options.beforeExpiry, '--before-expiry');
      const max = whole(options.maxConcurrency, '--max-concurrency');
      if (options.refresh !== undefined && options.refresh !== 'on' && options.refresh !== 'off') {
        throw new CliError('--refresh must be on or off', ExitCode.usage);
      }
      if (options.refresh === undefined && before === undefined && max === undefined) {
        printRecord(options.format, current);
        return;
      }
      const updated = unwrap(
        await lk.api.PUT('/api/v1/admin/services/{id}/settings', {
          ...params,
          body: {
            refreshEnabled: options.refresh === undefined ? current.refreshEnabled : options.refresh === 'on',
            beforeExpirySeconds: before ?? current.beforeExpirySeconds,
            maxConcurrency: max ?? current.maxConcurrency,
          },
        }),
      );
      printRecord(options.format, updated);
    });
}
