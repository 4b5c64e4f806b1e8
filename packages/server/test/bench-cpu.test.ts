import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parseProcStat, processTreeCpuMicros } from '../../../bench/support/cpu.js';

const linux = process.platform === 'linux';

describe('bench CPU readings (bench/support/cpu.ts)', () => {
  it('reads ppid, utime and stime after a command name holding spaces and parentheses', () => {
    // proc(5): pid (comm) state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt
    // utime stime …
    const line = '4242 (a) b (c) S 17 4242 4242 0 -1 4194560 10 0 0 0 250 31 0 0 20 0 1 0 99';
    expect(parseProcStat(line)).toEqual({ ppid: 17, ticks: 281 });
  });

  it('refuses a line it cannot read rather than counting nothing', () => {
    expect(() => parseProcStat('4242 (node) S')).toThrow(/unreadable/);
  });

  it.runIf(linux)('counts the CPU a child burns under its parent (nginx workers)', async () => {
    // A parent that only waits, and under it a child spinning until it has used 400 ms of CPU
    // (CPU time, not wall time: a loaded machine must not shorten it).
    const parent = spawn(process.execPath, [
      '-e',
      `require('node:child_process').spawn(process.execPath, ['-e', 'while (process.cpuUsage().user < 400000);'], { stdio: 'inherit' }).on('exit', () => process.stdout.write('done'));`,
    ]);
    const pid = parent.pid;
    if (pid === undefined) throw new Error('no pid');
    let during = 0;
    await new Promise<void>((done) => {
      parent.stdout.once('data', () => {
        done();
      });
      const poll = setInterval(() => {
        during = Math.max(during, processTreeCpuMicros(pid));
      }, 50);
      parent.once('exit', () => {
        clearInterval(poll);
      });
      parent.stdout.once('end', () => {
        clearInterval(poll);
      });
    });
    // The parent alone (node start-up) stays far below what the spinning child adds.
    expect(during).toBeGreaterThan(300_000);
  });
});
