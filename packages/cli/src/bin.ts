#!/usr/bin/env node
import { CommanderError } from 'commander';
import { CliError, ExitCode } from './exit-codes.js';
import { buildProgram } from './program.js';

try {
  await buildProgram().parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    // --help and --version end through here with code 0.
    process.exitCode = err.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
  } else if (err instanceof CliError) {
    process.stderr.write(`latchkey: ${err.message}\n`);
    process.exitCode = err.exitCode;
  } else {
    process.stderr.write(`latchkey: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = ExitCode.error;
  }
}
