/*
 * CPU time of the processes a benchmark drives, so that its figures stay meaningful on a shared,
 * loaded machine: requests/s swing with whatever else runs, CPU time per request much less.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** Linux `USER_HZ`: the unit of utime/stime in /proc/<pid>/stat (100 on every Linux ABI in use). */
const TICKS_PER_SECOND = 100;

/** What a CPU reading needs: this process (`process.cpuUsage`) or another one by pid (/proc). */
export type CpuSource = { kind: 'self' } | { kind: 'pid'; pid: number };

/**
 * utime and stime of a /proc/<pid>/stat line, and its parent pid. The command name (field 2) is in
 * parentheses and may hold spaces, so the fields are counted from the last `)`.
 */
export function parseProcStat(line: string): { ppid: number; ticks: number } {
  const rest = line.slice(line.lastIndexOf(')') + 2).split(' ');
  // rest[0] is field 3 (state): ppid is field 4, utime field 14, stime field 15.
  const ppid = Number(rest[1]);
  const utime = Number(rest[11]);
  const stime = Number(rest[12]);
  if (!Number.isFinite(ppid) || !Number.isFinite(utime) || !Number.isFinite(stime)) {
    throw new Error(`unreadable /proc stat line: ${line}`);
  }
  return { ppid, ticks: utime + stime };
}

/**
 * User + system CPU time, in microseconds, of `pid` and every live process below it (nginx's
 * workers are children of its master). A process that is gone contributes nothing.
 */
export function processTreeCpuMicros(pid: number): number {
  const stats = new Map<number, { ppid: number; ticks: number }>();
  for (const name of readdirSync('/proc')) {
    const p = Number(name);
    if (!Number.isInteger(p)) continue;
    try {
      stats.set(p, parseProcStat(readFileSync(`/proc/${name}/stat`, 'utf8')));
    } catch {
      // Exited while listing, or not ours to read.
    }
  }
  let ticks = 0;
  const pending = [pid];
  const seen = new Set<number>();
  while (pending.length > 0) {
    const p = pending.pop();
    if (p === undefined || seen.has(p)) continue;
    seen.add(p);
    ticks += stats.get(p)?.ticks ?? 0;
    for (const [child, s] of stats) if (s.ppid === p) pending.push(child);
  }
  return (ticks * 1_000_000) / TICKS_PER_SECOND;
}

/** CPU time used so far by `source`, in microseconds. */
export function cpuMicros(source: CpuSource): number {
  if (source.kind === 'self') {
    const u = process.cpuUsage();
    return u.user + u.system;
  }
  return processTreeCpuMicros(source.pid);
}
