#!/usr/bin/env node
import { ConsentRequiredError, ExchangeError, LatchkeyError } from '@latchkey/sdk';
import { CommanderError } from 'commander';
import { CliError, ExitCode } from './exit-codes.js';
import { buildProgram } from './program.js';

try {
  await buildProgram().parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    // --help and --version end through here with code 0.
    process.exitCode = err.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
  } else if (err instanceof ConsentRequiredError) {
    process.stderr.write(
      `latchkey: ${err.message}\nOpen this URL to consent, then retry:\n  ${err.authorizationUrl}\n`,
    );
    process.exitCode = ExitCode.consentRequired;
  } else if (err instanceof LatchkeyError) {
    // code first: scripts grep it; the request id lets an operator find the server log line.
    const id = err.requestId === undefined ? '' : ` (request ${err.requestId})`;
    const fields = (err.errors ?? []).map((e) => `\n  ${e.path}: ${e.message}`).join('');
    process.stderr.write(`latchkey: ${err.code}: ${err.message}${id}${fields}\n`);
    process.exitCode = ExitCode.error;
  } else if (err instanceof ExchangeError) {
    process.stderr.write(`latchkey: ${err.error}: ${err.message}\n`);
    process.exitCode = ExitCode.error;
  } else if (err instanceof TypeError && err.message === 'fetch failed') {
    process.stderr.write('latchkey: cannot reach Latchkey (check --api-url / LATCHKEY_URL)\n');
    process.exitCode = ExitCode.error;
  } else if (err instanceof CliError) {
    process.stderr.write(`latchkey: ${err.message}\n`);
    process.exitCode = err.exitCode;
  } else {
    process.stderr.write(`latchkey: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = ExitCode.error;
  }
}
