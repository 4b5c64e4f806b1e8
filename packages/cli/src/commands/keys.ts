import type { Command } from 'commander';
import { serverConfig } from '../server-config.js';
import { serverModule } from '../server-module.js';
import { CliError, ExitCode } from '../exit-codes.js';

export function registerKeys(program: Command): void {
  const keys = program.command('keys').description('Manage the encryption keyring');
  keys
    .command('rotate')
    .description('Re-encrypt every stored secret with the first (primary) key, in batches, while serving')
    .option('-c, --config <file>', 'YAML configuration file (env LATCHKEY_CONFIG)')
    .option('--batch-size <n>', 'rows per transaction', '500')
    .addHelpText(
      'after',
      '\nPut the new key first in encryption.keys, keep the old ones after it, then:\n  $ latchkey keys rotate\n',
    )
    .action(async (options: { config?: string; batchSize: string }) => {
      const batchSize = Number(options.batchSize);
      if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000) {
        throw new CliError('--batch-size must be an integer from 1 to 10000', ExitCode.usage);
      }
      const config = await serverConfig(options);
      const { keyringFor, openConfiguredStore, rotateKeys } = await serverModule();
      const store = await openConfiguredStore(config);
      try {
        const keyring = keyringFor(config);
        const report = await rotateKeys(store, keyring, {
          batchSize,
          onProgress: (column, done) => process.stderr.write(`  ${column}: ${done} re-encrypted\n`),
        });
        process.stdout.write(
          `keys rotate: ${report.reencrypted} secret(s) now under key ${report.primaryKeyId}\n`,
        );
      } finally {
        await store.close();
      }
    });
}
