import type { Command } from 'commander';
import { serverModule } from '../server-module.js';
import { serverConfig } from '../server-config.js';

export function registerMigrate(program: Command): void {
  program
    .command('migrate')
    .description('Apply pending database migrations (safe to run while other replicas start)')
    .option('-c, --config <file>', 'YAML configuration file (env LATCHKEY_CONFIG)')
    .addHelpText(
      'after',
      '\nExample:\n  $ LATCHKEY_DATABASE_URL=postgres://latchkey@db/latchkey latchkey migrate\n',
    )
    .action(async (options: { config?: string }) => {
      const config = await serverConfig(options);
      const { openConfiguredStore, runMigrations } = await serverModule();
      const store = await openConfiguredStore(config);
      try {
        const report = await runMigrations(store);
        process.stdout.write(
          `migrations: ${report.applied.length} applied, ${report.alreadyApplied} already applied (${store.kind})\n`,
        );
      } finally {
        await store.close();
      }
    });
}
