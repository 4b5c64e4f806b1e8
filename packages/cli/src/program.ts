import { Command } from 'commander';
import { createRequire } from 'node:module';
import { registerAdmin } from './commands/admin.js';
import { registerAudit } from './commands/audit.js';
import { registerConnect } from './commands/connect.js';
import { registerConnections } from './commands/connections.js';
import { registerDev } from './commands/dev.js';
import { registerDoctor } from './commands/doctor.js';
import { registerKeys } from './commands/keys.js';
import { registerLogin } from './commands/login.js';
import { registerMigrate } from './commands/migrate.js';
import { registerOperator } from './commands/operator.js';
import { registerProxy } from './commands/proxy.js';
import { registerServe } from './commands/serve.js';
import { registerServices } from './commands/services.js';
import { registerTokens } from './commands/tokens.js';
import { registerWhoami } from './commands/whoami.js';

// src/ and dist/ both sit one level below the package root.
const { version } = createRequire(import.meta.url)('../package.json') as { version: string };

/** The `latchkey` command tree. */
export function buildProgram(): Command {
  const program = new Command('latchkey')
    .description('Latchkey: one credential for every service of your suite')
    .version(version)
    .showHelpAfterError()
    // Each command owns its options (`audit --format` and `audit verify --format` differ).
    .enablePositionalOptions()
    .exitOverride();
  registerLogin(program);
  registerWhoami(program);
  registerServices(program);
  registerConnect(program);
  registerConnections(program);
  registerTokens(program);
  registerProxy(program);
  registerAudit(program);
  registerAdmin(program);
  registerOperator(program);
  registerServe(program);
  registerMigrate(program);
  registerKeys(program);
  registerDoctor(program);
  registerDev(program);
  return program;
}
