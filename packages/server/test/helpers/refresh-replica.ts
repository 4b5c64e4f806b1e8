import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

const repoRoot = resolve(import.meta.dirname, '../../../..');

/** A refresh-child process (see refresh-child.ts) and its JSON lines. */
export interface RefreshReplica {
  child: ChildProcess;
  /** Resolves with the first JSON line that has `key`. */
  message<T extends object>(key: string, timeoutMs?: number): Promise<T>;
  send(line: string): void;
  exited: Promise<number | null>;
  debug(): string;
}

export function startRefreshReplica(spec: object): RefreshReplica {
  const child = spawn(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', 'packages/server/test/helpers/refresh-child.ts'],
    {
      cwd: repoRoot,
      env: { ...process.env, LATCHKEY_REFRESH_CHILD: JSON.stringify(spec) },
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  const messages: Record<string, unknown>[] = [];
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString('utf8');
    let nl: number;
    while ((nl = out.indexOf('\n')) >= 0) {
      const line = out.slice(0, nl);
      out = out.slice(nl + 1);
      try {
        messages.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        // Not ours (a library's notice): ignore.
      }
    }
  });
  child.stderr.on('data', (chunk: Buffer) => {
    err += chunk.toString('utf8');
  });
  const exited = new Promise<number | null>((done) => {
    child.once('exit', (code) => {
      done(code);
    });
  });
  return {
    child,
    exited,
    debug: () => `${JSON.stringify(messages)}\n${err}`,
    send(line) {
      child.stdin.write(`${line}\n`);
    },
    async message<T extends object>(key: string, timeoutMs = 30_000): Promise<T> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = messages.find((m) => key in m);
        if (found !== undefined) return found as T;
        if (child.exitCode !== null || child.signalCode !== null || Date.now() > deadline) {
          throw new Error(`no "${key}" from the refresh replica (exit ${child.exitCode}):\n${err}`);
        }
        await new Promise((r) => setTimeout(r, 20));
      }
    },
  };
}
