import { ConfigError, loadConfig, type Config } from '@latchkey/server';
import { CliError, ExitCode } from './exit-codes.js';

export interface ServerConfigOptions {
  config?: string;
}

/** Loads the server configuration (`--config` or `LATCHKEY_CONFIG`), every problem listed. */
export function serverConfig(options: ServerConfigOptions, env: NodeJS.ProcessEnv = process.env): Config {
  try {
    return loadConfig(options.config ?? env.LATCHKEY_CONFIG, env);
  } catch (err) {
    if (err instanceof ConfigError) throw new CliError(err.message, ExitCode.usage);
    throw err;
  }
}
