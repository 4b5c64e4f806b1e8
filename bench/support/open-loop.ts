/*
 * Open-loop, constant-rate load for the latency phase of bench/proxy.ts, in a process of its own.
 * A closed-loop generator (wrk, autocannon) waits for an answer before sending again, so a stalled
 * server also stalls the load and the stall hides in a handful of samples ("coordinated
 * omission"). Here request i is due at t0 + i / rate whatever happened before, and its latency is
 * counted from that intended time: a request sent late (the server held every connection, or this
 * process was descheduled) carries its wait in its latency. The ~1 ms granularity of Node's
 * timers makes requests leave up to about a millisecond late; that lag is inside every target's
 * figures alike and printed as `sendLagP99`.
 *
 * argv[2] is a JSON object: { url, rate, seconds, warmupSeconds, headers, connections }. Requests
 * due during the warm-up are sent but not counted. Prints one JSON line (OpenLoopResult).
 */
import { performance } from 'node:perf_hooks';
import { Pool, type Dispatcher } from 'undici';
import {
  dueCount,
  intendedAt,
  latencyPercentiles,
  percentileSorted,
  type OpenLoopResult,
} from './open-loop-stats.js';

interface Options {
  url: string;
  rate: number;
  seconds: number;
  warmupSeconds: number;
  headers: Record<string, string>;
  connections: number;
}

/** A request still in flight at this long after the last one was due counts as an error. */
const DRAIN_MS = 2_000;
/** Closed-loop passes over every connection before the schedule starts (see `prime`). */
const PRIME_ROUNDS = 5;
const PENDING = 0;
const OK = 1;
const FAILED = 2;

function readOptions(arg: string | undefined): Options {
  if (arg === undefined) throw new Error('usage: open-loop.ts <options as JSON>');
  const o = JSON.parse(arg) as Partial<Options>;
  const positive = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v > 0;
  if (typeof o.url !== 'string' || !positive(o.rate) || !positive(o.seconds) || !positive(o.connections)) {
    throw new Error(`open-loop.ts: unusable options ${arg}`);
  }
  return {
    url: o.url,
    rate: o.rate,
    seconds: o.seconds,
    warmupSeconds: typeof o.warmupSeconds === 'number' && o.warmupSeconds > 0 ? o.warmupSeconds : 0,
    headers: o.headers ?? {},
    connections: o.connections,
  };
}

const options = readOptions(process.argv[2]);
const target = new URL(options.url);
const path = `${target.pathname}${target.search}`;
const pool = new Pool(target.origin, { connections: options.connections, pipelining: 1 });

const total = Math.ceil((options.warmupSeconds + options.seconds) * options.rate);
const first = Math.ceil(options.warmupSeconds * options.rate);
const measured = total - first;
// Preallocated per measured request: the hot path allocates only the request and its handler.
const latency = new Float64Array(measured);
const sendLag = new Float64Array(measured);
const outcome = new Uint8Array(measured);
let next = 0;
let inFlight = 0;
let maxInFlight = 0;
let lastCompletion = 0;
let t0 = 0;
let cpuAtStart = 0;

/**
 * One request's handler. A class rather than closures: one small object per request. It
 * implements undici's legacy handler methods because a handler with the newer `onRequestStart`
 * set is wrapped per request in an adapter that also parses every header block into an object.
 */
class Probe implements Dispatcher.DispatchHandler {
  private status = 0;

  constructor(private readonly index: number) {}

  onConnect(): void {
    // Nothing to keep: a request is never aborted here.
  }

  onHeaders(statusCode: number): boolean {
    this.status = statusCode;
    return true;
  }

  onData(): boolean {
    return true;
  }

  onComplete(): void {
    settle(this.index, this.status >= 200 && this.status < 300);
  }

  onError(): void {
    settle(this.index, false);
  }
}

function settle(index: number, ok: boolean): void {
  const now = performance.now();
  inFlight -= 1;
  const m = index - first;
  if (m < 0) return;
  if (outcome[m] !== PENDING) return;
  outcome[m] = ok ? OK : FAILED;
  if (ok) {
    latency[m] = now - intendedAt(index, t0, options.rate);
    lastCompletion = now;
  }
}

const request: Dispatcher.DispatchOptions = { method: 'GET', path, headers: options.headers };

function send(index: number, now: number): void {
  const m = index - first;
  if (m >= 0) sendLag[m] = now - intendedAt(index, t0, options.rate);
  inFlight += 1;
  if (inFlight > maxInFlight) maxInFlight = inFlight;
  pool.dispatch(request, new Probe(index));
}

/** Sends whatever is due, then sleeps until the next request is due (at least a timer tick). */
function tick(): void {
  const now = performance.now();
  const due = dueCount(now - t0, options.rate, total);
  while (next < due) send(next++, now);
  if (next < total) {
    setTimeout(tick, Math.max(0, intendedAt(next, t0, options.rate) - performance.now()));
    return;
  }
  const deadline = intendedAt(total - 1, t0, options.rate) + DRAIN_MS;
  const drain = () => {
    if (inFlight > 0 && performance.now() < deadline) setTimeout(drain, 5);
    else finish();
  };
  drain();
}

function cpuMicros(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}

function finish(): void {
  let completed = 0;
  for (const o of outcome) if (o === OK) completed += 1;
  const ok = new Float64Array(completed);
  let k = 0;
  for (let m = 0; m < measured; m++) if (outcome[m] === OK) ok[k++] = latency[m] ?? 0;
  const windowStart = intendedAt(first, t0, options.rate);
  const span = (lastCompletion - windowStart) / 1_000;
  const result: OpenLoopResult = {
    sent: measured,
    completed,
    errors: measured - completed,
    targetRate: options.rate,
    achievedRate: completed > 0 && span > 0 ? completed / span : 0,
    ...latencyPercentiles(ok),
    sendLagP99: percentileSorted(sendLag.sort(), 0.99),
    maxInFlight,
    cpuPerRequest: (cpuMicros() - cpuAtStart) / total,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
  // Requests still pending were counted as errors above; destroying the pool ends them.
  pool.destroy().catch(() => undefined);
}

/**
 * Opens every connection of the pool and compiles undici's parser before the schedule starts:
 * done inside the schedule, that start-up stalls the first sends, and the backlog it leaves
 * drains slowly at a rate close to what the machine can serve, spilling into the measured window.
 */
async function prime(): Promise<void> {
  const one = () => pool.request(request).then(({ body }) => body.dump());
  for (let round = 0; round < PRIME_ROUNDS; round++) {
    await Promise.all(Array.from({ length: options.connections }, one));
  }
}

await prime();
cpuAtStart = cpuMicros();
t0 = performance.now();
tick();
