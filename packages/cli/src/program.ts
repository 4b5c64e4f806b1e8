import { Command } from 'commander';
import { VERSION } from '@latchkey/server';
import { registerAudit } from './commands/audit.js';
import { registerDev } from './commands/dev.js';
import { registerKeys } from './commands/keys.js';
import { registerMigrate } from './commands/migrate.js';
import { registerServe } from './commands/serve.js';

/** The `latchkey` command tree. */
export function buildProgram(): Command {
  const program = new Command('latchkey')
    .description('Latchkey: one credential for every service of your suite')
    .version(VERSION)
    .showHelpAfterError()
    .exitOverride();
  registerServe(program);
  registerMigrate(program);
  registerKeys(program);
  registerDev(program);
  registerAudit(program);
  return program;
}
