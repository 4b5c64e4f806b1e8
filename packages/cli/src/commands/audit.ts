import type { Command } from 'commander';
import { withApiOptions } from '../api/options.js';
import { serverConfig } from '../server-config.js';
import { serverModule } from '../server-module.js';
import { CliError, ExitCode } from '../exit-codes.js';
import { examples } from '../output.js';
import { auditAction } from './audit-list.js';

/**
 * `latchkey audit [filters] [--follow]`: your audit events from the API; `latchkey audit verify`:
 * recompute the audit hash chains from the store the config names.
 */
export function registerAudit(program: Command): void {
  const audit = withApiOptions(program.command('audit'))
    .description('Audit log: list or follow your events; verify the tamper-evident chains')
    .option('--action <action>', 'only this action (e.g. api_token.created)')
    .option('--actor <actor>', 'only events by this actor')
    .option('--target <target>', 'only events about this target')
    .option('--outcome <outcome>', 'success or failure')
    .option('--from <time>', 'from this ISO time')
    .option('--to <time>', 'up to this ISO time')
    .option('--search <text>', 'full-text search')
    .option('--limit <n>', 'at most this many events', '50')
    .option('-f, --follow', 'keep printing new events as they happen (Ctrl-C to stop)')
    .addHelpText(
      'after',
      examples(
        'latchkey audit --action api_token.created',
        'latchkey audit --follow',
        'latchkey audit --format json --limit 500',
      ),
    )
    .action(auditAction);
  audit
    .command('verify')
    .description('Recompute every audit hash chain and name the first broken block (exit 1 when broken)')
    .option('-c, --config <file>', 'YAML configuration file (env LATCHKEY_CONFIG)')
    .option('--tenant <id>', 'verify only this tenant’s chain (tenant id)')
    .option('--seal', 'seal pending events first (as the background sealer would)')
    .option('--format <format>', 'table or json', 'table')
    .addHelpText('after', '\nExamples:\n  $ latchkey audit verify\n  $ latchkey audit verify --format json\n')
    .action(async (options: { config?: string; tenant?: string; seal?: boolean; format: string }) => {
      if (options.format !== 'table' && options.format !== 'json') {
        throw new CliError('--format must be table or json', ExitCode.usage);
      }
      const config = await serverConfig(options);
      const { openConfiguredStore, sealPending, verifyChains } = await serverModule();
      const store = await openConfiguredStore(config);
      try {
        if (options.seal === true) {
          for (;;) {
            const r = await sealPending(store.db, { batchSize: config.audit.sealer.batchSize });
            if (!r.more) break;
          }
        }
        const report = await verifyChains(
          store.db,
          options.tenant === undefined ? {} : { tenantId: options.tenant },
        );
        if (options.format === 'json') {
          process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
        } else {
          for (const c of report.chains) {
            const state =
              c.broken === null ? 'ok' : `BROKEN at block ${c.broken.blockSeq}: ${c.broken.reason}`;
            process.stdout.write(`${c.chainId}: ${c.blocks} block(s), ${c.events} event(s) - ${state}\n`);
          }
          process.stdout.write(
            report.ok
              ? `audit verify: ok (${report.chains.length} chain(s), ${report.unsealedEvents} event(s) not sealed yet)\n`
              : `audit verify: FAILED - chain ${report.firstBroken?.chainId ?? '?'}, block ${report.firstBroken?.blockSeq ?? '?'}: ${report.firstBroken?.reason ?? ''}\n`,
          );
        }
        if (!report.ok) process.exitCode = ExitCode.error;
      } finally {
        await store.close();
      }
    });
}
