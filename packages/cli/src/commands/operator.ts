import type { Command } from 'commander';
import { registerOperatorPartners } from './operator-partners.js';
import { registerOperatorTenants } from './operator-tenants.js';

/** `latchkey operator …`: platform operation (platform admins, token audience latchkey-operator). */
export function registerOperator(program: Command): void {
  const operator = program
    .command('operator')
    .description('Platform operation: tenants and partners (platform admins)');
  registerOperatorTenants(operator);
  registerOperatorPartners(operator);
}
