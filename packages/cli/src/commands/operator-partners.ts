import { unwrap, type Schemas } from '@latchkey/sdk';
import type { Command } from 'commander';
import { clientFrom, withApiOptions, type ApiOptions } from '../api/options.js';
import { CliError, ExitCode } from '../exit-codes.js';
import { examples, print, printRecord, type Column } from '../output.js';

const columns: Column<Schemas['Partner']>[] = [
  { header: 'slug', value: (p) => p.slug },
  { header: 'name', value: (p) => p.name },
  { header: 'status', value: (p) => p.status },
  { header: 'customers', value: (p) => p.customers },
  { header: 'margin %', value: (p) => p.marginPct },
];

/** `latchkey operator partners list|show|create|attach|detach|terminate`. */
export function registerOperatorPartners(operator: Command): void {
  const partners = operator.command('partners').description('Partners (resellers) and their tenants');
  withApiOptions(partners.command('list'))
    .description('List partners')
    .addHelpText('after', examples('latchkey operator partners list'))
    .action(async (options: ApiOptions) => {
      const { items } = unwrap(await clientFrom(options).api.GET('/api/v1/operator/partners'));
      print(options.format, { items }, items, columns);
    });
  withApiOptions(partners.command('show <slug>'))
    .description('Show one partner')
    .addHelpText('after', examples('latchkey operator partners show hostco'))
    .action(async (slug: string, options: ApiOptions) => {
      printRecord(
        options.format,
        unwrap(
          await clientFrom(options).api.GET('/api/v1/operator/partners/{slug}', {
            params: { path: { slug } },
          }),
        ),
      );
    });
  withApiOptions(partners.command('create <slug>'))
    .description('Create a partner')
    .requiredOption('--name <name>', 'display name')
    .option('--margin <percent>', 'margin in percent (0–100)')
    .addHelpText('after', examples('latchkey operator partners create hostco --name "HostCo" --margin 20'))
    .action(async (slug: string, options: ApiOptions & { name: string; margin?: string }) => {
      const margin = options.margin === undefined ? undefined : Number(options.margin);
      if (margin !== undefined && !Number.isFinite(margin))
        throw new CliError('--margin must be a number', ExitCode.usage);
      const created = unwrap(
        await clientFrom(options).api.POST('/api/v1/operator/partners', {
          body: { slug, name: options.name, ...(margin === undefined ? {} : { marginPct: margin }) },
        }),
      );
      printRecord(options.format, created);
    });
  withApiOptions(partners.command('attach <partner> <tenant>'))
    .description('Attach a tenant to a partner')
    .addHelpText('after', examples('latchkey operator partners attach hostco acme'))
    .action(async (partner: string, tenant: string, options: ApiOptions) => {
      const lk = clientFrom(options);
      const found = unwrap(
        await lk.api.GET('/api/v1/operator/partners/{slug}', { params: { path: { slug: partner } } }),
      );
      const updated = unwrap(
        await lk.api.PATCH('/api/v1/operator/tenants/{slug}', {
          params: { path: { slug: tenant } },
          body: { partnerId: found.id },
        }),
      );
      printRecord(options.format, updated);
    });
  withApiOptions(partners.command('detach <tenant>'))
    .description('Detach a tenant from its partner')
    .addHelpText('after', examples('latchkey operator partners detach acme'))
    .action(async (tenant: string, options: ApiOptions) => {
      const updated = unwrap(
        await clientFrom(options).api.PATCH('/api/v1/operator/tenants/{slug}', {
          params: { path: { slug: tenant } },
          body: { partnerId: null },
        }),
      );
      printRecord(options.format, updated);
    });
  withApiOptions(partners.command('terminate <slug>'))
    .description('Terminate a partner (its tenants stay, detached)')
    .addHelpText('after', examples('latchkey operator partners terminate hostco'))
    .action(async (slug: string, options: ApiOptions) => {
      printRecord(
        options.format,
        unwrap(
          await clientFrom(options).api.POST('/api/v1/operator/partners/{slug}/terminate', {
            params: { path: { slug } },
          }),
        ),
      );
    });
}
