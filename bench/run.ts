/*
 * `npm run bench`: runs each benchmark below in a process of its own, one after the other (they
 * measure the machine, so they must not share it with each other), and prints what each prints.
 * A benchmark still running after LATCHKEY_BENCH_TIMEOUT_SECONDS (default 150: bench/proxy.ts
 * alone takes about 100 s; bench/proxy-instructions.ts, which runs its subject under valgrind,
 * gets at least 900) is killed and the run fails. Benchmarks are never part of `npm test`.
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

/** The benchmarks, in the order they run. */
export const benchmarks = [
  'api-tokens.ts',
  'audit.ts',
  'proxy.ts',
  'proxy-instructions.ts',
  'refresh.ts',
  'startup.ts',
] as const;

/** Seconds a benchmark may run before it is killed, where the default does not fit. */
const slow: Partial<Record<(typeof benchmarks)[number], number>> = { 'proxy-instructions.ts': 900 };

const root = resolve(import.meta.dirname, '..');
const timeoutSeconds = process.env.LATCHKEY_BENCH_TIMEOUT_SECONDS;

/** Runs one benchmark file; resolves with its exit code (null when killed). */
function runOne(file: (typeof benchmarks)[number]): Promise<number | null> {
  const timeoutMs = Math.max(Number(timeoutSeconds ?? 150), slow[file] ?? 0) * 1_000;
  return new Promise((done, fail) => {
    // `source`: @latchkey/server resolves to its TypeScript sources, no build needed.
    const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', `bench/${file}`], {
      cwd: root,
      stdio: 'inherit',
    });
    const timer = setTimeout(() => {
      process.stderr.write(`bench/${file}: still running after ${timeoutMs / 1_000} s, killed\n`);
      child.kill('SIGKILL');
    }, timeoutMs);
    child.once('error', fail);
    child.once('exit', (code) => {
      clearTimeout(timer);
      done(code);
    });
  });
}

let failed = 0;
for (const file of benchmarks) {
  process.stdout.write(`\n== bench/${file}\n`);
  const code = await runOne(file);
  if (code !== 0) {
    failed += 1;
    process.stderr.write(`bench/${file}: failed (exit ${code ?? 'killed'})\n`);
  }
}
process.exitCode = failed > 0 ? 1 : 0;
