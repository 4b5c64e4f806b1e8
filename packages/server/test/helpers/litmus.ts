import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LITMUS_BIN } from './dav-servers.js';

/** One litmus suite's score, as its summary line and warning count state it. */
export interface LitmusSuite {
  run: number;
  passed: number;
  failed: number;
  warnings: number;
}

export interface LitmusRun {
  suites: Record<string, LitmusSuite>;
  /** The transcript, one line per test with its outcome and messages, bases replaced by `<base>`. */
  transcript: string;
}

const SUMMARY = /^<- summary for `(\w+)': of (\d+) tests run: (\d+) passed, (\d+) failed/;
const WARNINGS = /^-> (\d+) warnings? (?:was|were) issued/;

/**
 * Runs Debian's litmus (the WebDAV conformance suite) against `url` with HTTP Basic — in a child
 * process, asynchronously, so a Latchkey under test in this process keeps serving it.
 */
export async function runLitmus(url: string, user: string, password: string): Promise<LitmusRun> {
  if (!existsSync(LITMUS_BIN)) throw new Error(`${LITMUS_BIN} is missing: install the Debian package litmus`);
  const cwd = mkdtempSync(join(tmpdir(), 'latchkey-litmus-')); // litmus writes debug.log there
  try {
    const stdout = await new Promise<string>((resolve, reject) => {
      const child = spawn(LITMUS_BIN, [url, user, password], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString('utf8');
      });
      child.stderr.resume();
      child.once('error', reject);
      // litmus exits non-zero when a test fails: the score, not the status, is what is compared.
      child.once('close', () => {
        resolve(out);
      });
    });
    return parseLitmus(stdout, url);
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
}

/** The score and a base-independent transcript of litmus' output. */
export function parseLitmus(stdout: string, url: string): LitmusRun {
  const path = new URL(url).pathname;
  // Progress is redrawn with CR on the same line: keep what follows the last CR of each line.
  const lines = stdout.split('\n').map((line) => line.slice(line.lastIndexOf('\r') + 1));
  const suites: Record<string, LitmusSuite> = {};
  let last: LitmusSuite | undefined;
  for (const line of lines) {
    const summary = SUMMARY.exec(line);
    if (summary !== null) {
      const [, name = '', run = '0', passed = '0', failed = '0'] = summary;
      last = { run: Number(run), passed: Number(passed), failed: Number(failed), warnings: 0 };
      suites[name] = last;
      continue;
    }
    const warnings = WARNINGS.exec(line);
    if (warnings !== null && last !== undefined) last.warnings = Number(warnings[1]);
  }
  const transcript = lines
    .map((line) => line.replaceAll(url, '<base>').replaceAll(path, '<base>/'))
    .join('\n');
  return { suites, transcript };
}
