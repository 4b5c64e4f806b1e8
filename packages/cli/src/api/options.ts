import { createLatchkeyClient, type LatchkeyClient } from '@latchkey/sdk';
import { Option, type Command } from 'commander';
import { readCredentials } from './credentials.js';
import { CliError, ExitCode } from '../exit-codes.js';

/** The options every API command takes (SPEC §10). */
export interface ApiOptions {
  format: 'table' | 'json';
  apiUrl?: string;
  token?: string;
  tenant?: string;
}

export const DEFAULT_URL = 'http://127.0.0.1:8080';

/** Adds `--format`, `--api-url`, `--token`, `--tenant` to an API command. */
export function withApiOptions(command: Command): Command {
  return command
    .addOption(
      new Option('--format <format>', 'output: table for people, json for scripts')
        .choices(['table', 'json'])
        .default('table'),
    )
    .addOption(new Option('--api-url <url>', 'Latchkey URL').env('LATCHKEY_URL'))
    .addOption(new Option('--token <token>', 'API token (lk_…) or IdP access token').env('LATCHKEY_TOKEN'))
    .addOption(new Option('--tenant <tenant>', 'tenant to act in (Latchkey-Tenant)').env('LATCHKEY_TENANT'));
}

/** The Latchkey URL: flag or env, else the stored login, else the local default. */
export function apiUrl(options: ApiOptions): string {
  return (options.apiUrl ?? readCredentials()?.url ?? DEFAULT_URL).replace(/\/+$/, '');
}

/** An SDK client from the flags, the env and the stored login (in that order). */
export function clientFrom(options: ApiOptions, { requireToken = true } = {}): LatchkeyClient {
  const stored = readCredentials();
  const token = options.token ?? stored?.token;
  if (token === undefined && requireToken) {
    throw new CliError(
      'not logged in: run `latchkey login` or pass --token / LATCHKEY_TOKEN',
      ExitCode.error,
    );
  }
  const tenant = options.tenant ?? stored?.tenant;
  return createLatchkeyClient({
    baseUrl: apiUrl(options),
    ...(token === undefined ? {} : { token }),
    ...(tenant === undefined ? {} : { tenant }),
  });
}
