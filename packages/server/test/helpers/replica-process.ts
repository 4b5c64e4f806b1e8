import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { tempDataDir } from './config.js';

const repoRoot = resolve(import.meta.dirname, '../../../..');
// The CLI run from its TypeScript sources, as a separate process: the `source` export condition
// makes `@latchkey/server` resolve to packages/server/src, so no build is needed.
const cli = ['--conditions=source', '--import', 'tsx', 'packages/cli/src/bin.ts'];
const consoleLine = /^ {2}Latchkey console: (http:\/\/127\.0\.0\.1:\d+)\/$/m;

/** A `latchkey serve` process, its data directory and everything it wrote (for failure messages). */
export interface ReplicaProcess {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
  cleanup: () => void;
}

/**
 * Starts `latchkey serve` on a free loopback port against `databaseUrl`, with a data directory of
 * its own; `env` is added to the environment (e.g. `LATCHKEY_ENCRYPTION_KEYS`).
 */
export function startReplica(databaseUrl: string, env: Record<string, string> = {}): ReplicaProcess {
  const data = tempDataDir();
  const child = spawn(process.execPath, [...cli, 'serve'], {
    cwd: repoRoot,
    env: {
      ...process.env,
      LATCHKEY_DATABASE_URL: databaseUrl,
      LATCHKEY_PORT: '0',
      LATCHKEY_HOST: '127.0.0.1',
      LATCHKEY_DATA_DIR: data.dir,
      LATCHKEY_LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const collect = (chunk: Buffer) => {
    out += chunk.toString('utf8');
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const exited = new Promise<number | null>((done) => {
    child.once('exit', (code) => {
      done(code);
    });
  });
  return { child, output: () => out, exited, cleanup: data.cleanup };
}

/** Resolves with the console URL the replica prints once it listens; rejects if it dies first. */
export async function listening(replica: ReplicaProcess, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const url = consoleLine.exec(replica.output())?.[1];
    if (url !== undefined) return url;
    if (replica.child.exitCode !== null || Date.now() > deadline) {
      throw new Error(`replica did not start (exit ${replica.child.exitCode}):\n${replica.output()}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** SIGTERM, then SIGKILL if it has not exited within `graceMs`; removes its data directory. */
export async function stopReplica(replica: ReplicaProcess, graceMs = 5_000): Promise<void> {
  if (replica.child.exitCode === null && replica.child.signalCode === null) {
    replica.child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      replica.exited.then(() => false),
      new Promise<boolean>((r) => {
        timer = setTimeout(() => {
          r(true);
        }, graceMs);
      }),
    ]);
    clearTimeout(timer);
    if (timedOut) {
      replica.child.kill('SIGKILL');
      await replica.exited;
    }
  }
  replica.cleanup();
}
