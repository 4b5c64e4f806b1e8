/** A background job of a replica (sealer, file tail, poller, outbox, retention, later the refresher). */
export interface Worker {
  readonly name: string;
  /** Starts the work in the background and resolves once it is running. */
  start(): Promise<void>;
  /** Stops taking new work and resolves once the run in progress has finished. */
  stop(): Promise<void>;
}

export interface Logger {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface IntervalWorkerOptions {
  name: string;
  /** Pause between runs when the last run found nothing more to do. */
  intervalMs: number;
  /** One unit of work; resolves `true` when more work is waiting (run again at once). */
  run: () => Promise<boolean>;
  log: Logger;
  /** Pause after a failed run, doubled per consecutive failure up to 30 s. */
  errorBackoffMs?: number;
}

/**
 * A worker that runs `run` in a loop: again at once while it reports more work, after
 * `intervalMs` otherwise. A failing run is logged and retried with backoff, never crashes the
 * process. `stop` waits for the run in progress, so a transaction is never cut in half.
 */
export function intervalWorker(options: IntervalWorkerOptions): Worker & { wake(): void } {
  let running = false;
  // A function, not the variable: `stop` flips it while `run` is awaited, which narrowing cannot see.
  const isRunning = () => running;
  let loop: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let wakeUp: (() => void) | undefined;
  let failures = 0;

  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      wakeUp = resolve;
      timer = setTimeout(resolve, ms);
    }).finally(() => {
      clearTimeout(timer);
      wakeUp = undefined;
    });

  async function body(): Promise<void> {
    while (running) {
      let more = false;
      try {
        more = await options.run();
        failures = 0;
      } catch (err) {
        failures += 1;
        options.log.error({ err, worker: options.name, failures }, 'worker run failed');
      }
      if (!isRunning()) break;
      if (failures > 0) {
        await pause(Math.min(30_000, (options.errorBackoffMs ?? 1000) * 2 ** (failures - 1)));
      } else if (!more) {
        await pause(options.intervalMs);
      }
    }
  }

  return {
    name: options.name,
    start() {
      if (running) return Promise.resolve();
      running = true;
      loop = body();
      return Promise.resolve();
    },
    async stop() {
      running = false;
      wakeUp?.();
      await loop;
      loop = undefined;
    },
    wake() {
      wakeUp?.();
    },
  };
}

/** Starts workers together and stops them in reverse order. */
export class WorkerSet {
  readonly #workers: Worker[];
  #started: Worker[] = [];

  constructor(workers: Worker[]) {
    this.#workers = workers;
  }

  get names(): string[] {
    return this.#workers.map((w) => w.name);
  }

  async start(): Promise<void> {
    for (const w of this.#workers) {
      await w.start();
      this.#started.push(w);
    }
  }

  async stop(): Promise<void> {
    const started = this.#started.reverse();
    this.#started = [];
    for (const w of started) await w.stop();
  }
}
