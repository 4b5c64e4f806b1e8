/** Stable exit codes (SPEC §10): scripts branch on these. */
export const ExitCode = { ok: 0, error: 1, usage: 2, consentRequired: 3 } as const;

/** An error the CLI reports as one clear line, with its exit code. */
export class CliError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode: number = ExitCode.error) {
    super(message);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}
