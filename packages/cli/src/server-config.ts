import type { Config } from '@latchkey/server';
import { serverModule } from './server-module.js';
import { CliError, ExitCode } from './exit-codes.js';

export interface ServerConfigOptions {
  config?: string;
}

/** Loads the server configuration (`--config` or `LATCHKEY_CONFIG`), every problem listed. */
export async function serverConfig(
  options: ServerConfigOptions,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Config> {
  const { ConfigError, loadConfig } = await serverModule();
  try {
    return loadConfig(options.config ?? env.LATCHKEY_CONFIG, env);
  } catch (err) {
    if (err instanceof ConfigError) throw new CliError(err.message, ExitCode.usage);
    throw err;
  }
}
