import { paginateOffset, unwrap, type Schemas } from '@latchkey/sdk';
import type { Command } from 'commander';
import { clientFrom, withApiOptions, type ApiOptions } from '../api/options.js';
import { examples, print, printRecord, type Column } from '../output.js';

const columns: Column<Schemas['Tenant']>[] = [
  { header: 'slug', value: (t) => t.slug },
  { header: 'name', value: (t) => t.name },
  { header: 'status', value: (t) => t.status },
  { header: 'plan', value: (t) => t.plan },
  { header: 'partner', value: (t) => t.partnerId },
];

type Transition = 'suspend' | 'resume';

/** `latchkey operator tenants list|show|create|suspend|resume|delete`. */
export function registerOperatorTenants(operator: Command): void {
  const tenants = operator.command('tenants').description('Tenants of the platform');
  withApiOptions(tenants.command('list'))
    .description('List tenants (every page)')
    .option('--status <status>', 'pending, active, suspended or deleted')
    .option('--search <text>', 'match slug or name')
    .addHelpText('after', examples('latchkey operator tenants list --status suspended'))
    .action(
      async (
        options: ApiOptions & { status?: 'pending' | 'active' | 'suspended' | 'deleted'; search?: string },
      ) => {
        const lk = clientFrom(options);
        const items: Schemas['Tenant'][] = [];
        const pages = paginateOffset(async (offset, limit) =>
          unwrap(
            await lk.api.GET('/api/v1/operator/tenants', {
              params: {
                query: {
                  offset,
                  limit,
                  ...(options.status === undefined ? {} : { status: options.status }),
                  ...(options.search === undefined ? {} : { search: options.search }),
                },
              },
            }),
          ),
        );
        for await (const tenant of pages) items.push(tenant);
        print(options.format, { items }, items, columns);
      },
    );
  withApiOptions(tenants.command('show <slug>'))
    .description('Show one tenant')
    .addHelpText('after', examples('latchkey operator tenants show acme'))
    .action(async (slug: string, options: ApiOptions) => {
      printRecord(
        options.format,
        unwrap(
          await clientFrom(options).api.GET('/api/v1/operator/tenants/{slug}', {
            params: { path: { slug } },
          }),
        ),
      );
    });
  withApiOptions(tenants.command('create <slug>'))
    .description('Create a tenant')
    .requiredOption('--name <name>', 'display name')
    .option('--plan <plan>', 'plan name')
    .option(
      '--domain <domain>',
      'e-mail domain of its users (repeat)',
      (v: string, p: string[]) => [...p, v],
      [],
    )
    .addHelpText(
      'after',
      examples('latchkey operator tenants create acme --name "ACME Corp" --domain acme.example'),
    )
    .action(async (slug: string, options: ApiOptions & { name: string; plan?: string; domain: string[] }) => {
      const created = unwrap(
        await clientFrom(options).api.POST('/api/v1/operator/tenants', {
          body: {
            slug,
            name: options.name,
            domains: options.domain,
            ...(options.plan === undefined ? {} : { plan: options.plan }),
          },
        }),
      );
      printRecord(options.format, created);
    });
  for (const verb of ['suspend', 'resume'] as const satisfies readonly Transition[]) {
    withApiOptions(tenants.command(`${verb} <slug>`))
      .description(
        verb === 'suspend' ? 'Suspend a tenant: its tokens stop working' : 'Resume a suspended tenant',
      )
      .addHelpText('after', examples(`latchkey operator tenants ${verb} acme`))
      .action(async (slug: string, options: ApiOptions) => {
        const lk = clientFrom(options);
        const params = { params: { path: { slug } } };
        const result =
          verb === 'suspend'
            ? unwrap(await lk.api.POST('/api/v1/operator/tenants/{slug}/suspend', params))
            : unwrap(await lk.api.POST('/api/v1/operator/tenants/{slug}/resume', params));
        printRecord(options.format, result);
      });
  }
  withApiOptions(tenants.command('delete <slug>'))
    .description('Delete a tenant (its tokens and connections are revoked)')
    .addHelpText('after', examples('latchkey operator tenants delete acme'))
    .action(async (slug: string, options: ApiOptions) => {
      const result = unwrap(
        await clientFrom(options).api.DELETE('/api/v1/operator/tenants/{slug}', {
          params: { path: { slug } },
        }),
      );
      printRecord(options.format, result);
    });
}
