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
 * The generator shares a 2-core machine with the upstream and the proxy it measures, so it must
 * take as little CPU as it can: a fixed set of raw keep-alive connections
 * (bench/support/http1-connection.ts), one request in flight on each, the same request bytes
 * written every time, and answers framed by status and Content-Length only
 * (bench/support/http1-response.ts). On undici it cost about as much CPU per request as the bare
 * proxy itself.
 *
 * argv[2] is a JSON object: { url, rate, seconds, warmupSeconds, headers, connections }. Requests
 * due during the warm-up are sent but not counted. Prints one JSON line (OpenLoopResult).
 */
import { performance } from 'node:perf_hooks';
import { encodeGet, FAILED, Http1Connection } from './http1-connection.js';
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
const NOT_OK = 2;

function readOptions(arg: string | undefined): Options {
  if (arg === undefined) throw new Error('usage: open-loop.ts <options as JSON>');
  const o = JSON.parse(arg) as Partial<Options>;
  const positive = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v > 0;
  if (typeof o.url !== 'string' || !positive(o.rate) || !positive(o.seconds) || !positive(o.connections)) {
    // Not the options themselves: their headers carry the API token.
    throw new Error('open-loop.ts: options need a url and positive rate, seconds and connections');
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
const url = new URL(options.url);
if (url.protocol !== 'http:') throw new Error(`open-loop.ts: only http: targets, not ${url.protocol}`);
const request = encodeGet(url, options.headers);
const target = {
  // URL keeps an IPv6 literal's brackets, which net.connect does not take.
  host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
  port: url.port === '' ? 80 : Number(url.port),
  request,
};

const total = Math.ceil((options.warmupSeconds + options.seconds) * options.rate);
const first = Math.ceil(options.warmupSeconds * options.rate);
const measured = total - first;
// Preallocated per measured request: the hot path allocates nothing of its own.
const latency = new Float64Array(measured);
const sendLag = new Float64Array(measured);
const outcome = new Uint8Array(measured);
/** Requests due so far; those from `next` on are due but wait for a free connection (FIFO). */
let due = 0;
/** The next request to put on a connection. */
let next = 0;
/** Due and not yet answered, whether on a connection or waiting for one. */
let inFlight = 0;
let maxInFlight = 0;
let lastCompletion = 0;
let t0 = 0;
let cpuAtStart = 0;
let finished = false;

const connections = Array.from({ length: options.connections }, () => new Http1Connection(target, settled));
/**
 * Free connections, used as a stack: the most recently freed one goes next, as undici's pool
 * picks its first free client, so a light load stays on a few warm connections.
 */
const idle: Http1Connection[] = [];

function settled(connection: Http1Connection, index: number, status: number): void {
  if (priming !== undefined) {
    primed(status);
    return;
  }
  const now = performance.now();
  inFlight -= 1;
  const m = index - first;
  if (m >= 0 && outcome[m] === PENDING) {
    const ok = status >= 200 && status < 300;
    outcome[m] = ok ? OK : NOT_OK;
    if (ok) {
      latency[m] = now - intendedAt(index, t0, options.rate);
      lastCompletion = now;
    }
  }
  if (finished) return;
  // The oldest request waiting for a connection takes this one at once.
  if (next < due) connection.send(next++);
  else idle.push(connection);
}

/**
 * Marks requests up to `count` due at `now`. The send lag is taken here, when the schedule hands a
 * request over, as it was when undici's pool queued it: the generator's own lateness. Waiting for
 * a free connection is the target's doing and shows in the latency, counted from the intended time.
 */
function becomeDue(count: number, now: number): void {
  for (let index = due; index < count; index++) {
    const m = index - first;
    if (m >= 0) sendLag[m] = now - intendedAt(index, t0, options.rate);
  }
  inFlight += count - due;
  if (inFlight > maxInFlight) maxInFlight = inFlight;
  due = count;
  while (next < due) {
    const connection = idle.pop();
    if (connection === undefined) return;
    connection.send(next++);
  }
}

/** Hands over whatever is due, then sleeps until the next request is due (at least a timer tick). */
function tick(): void {
  becomeDue(dueCount(performance.now() - t0, options.rate, total), performance.now());
  if (due < total) {
    setTimeout(tick, Math.max(0, intendedAt(due, t0, options.rate) - performance.now()));
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
  finished = true;
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
  // Requests still pending were counted as errors above; closing settles them, and sends no more.
  for (const c of connections) c.close();
}

/** The round of `prime` under way: how many answers it still waits for, and how it ends. */
let priming: { left: number; done: () => void; fail: (e: Error) => void } | undefined;

function primed(status: number): void {
  if (priming === undefined) return;
  // A target that cannot be reached fails the run, as undici's rejected request did.
  if (status === FAILED) priming.fail(new Error(`open-loop.ts: no answer from ${options.url}`));
  else if (--priming.left === 0) priming.done();
}

/**
 * Opens every connection and compiles the hot path before the schedule starts: done inside the
 * schedule, that start-up stalls the first sends, and the backlog it leaves drains slowly at a
 * rate close to what the machine can serve, spilling into the measured window.
 */
async function prime(): Promise<void> {
  for (let round = 0; round < PRIME_ROUNDS; round++) {
    await new Promise<void>((done, fail) => {
      priming = { left: connections.length, done, fail };
      // The tag is unused while priming: `settled` only counts the answers.
      for (const c of connections) c.send(0);
    });
  }
  priming = undefined;
  idle.push(...connections.slice().reverse());
}

await prime();
cpuAtStart = cpuMicros();
t0 = performance.now();
tick();
