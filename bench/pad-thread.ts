import { Worker } from 'node:worker_threads';

/** What every bench worker thread may send when it fails. */
export interface ThreadError { type: 'error'; message: string }

/**
 * A bench worker thread (an author, bench/pad-author.ts, or the replay clients, bench/pad-replayer.ts) started through
 * its `.mjs` entry, and the messages it sends, awaited by type. A thread's `error` message, a crash or an early exit
 * rejects every wait.
 */
export class BenchThread<From extends { type: string }, To> {
  private readonly worker: Worker;
  private readonly got = new Map<string, From>();
  private readonly waiting = new Map<string, { resolve: (m: From) => void; reject: (e: Error) => void }>();
  private failure: Error | null = null;
  readonly exited: Promise<number>;

  constructor(entry: URL, data: unknown, private readonly what: string) {
    this.worker = new Worker(entry, { workerData: data });
    this.worker.on('message', (m: From | ThreadError) => {
      if (isError(m)) return this.fail(new Error(`${what} thread: ${m.message}`));
      const w = this.waiting.get(m.type);
      this.waiting.delete(m.type);
      if (w) w.resolve(m);
      else this.got.set(m.type, m);
    });
    this.worker.on('error', (e) => this.fail(e));
    this.exited = new Promise((r) => this.worker.once('exit', r));
    void this.exited.then((code) => this.fail(new Error(`${what} thread ended (exit code ${code})`)));
  }

  private fail(e: Error): void {
    this.failure ??= e;
    for (const w of this.waiting.values()) w.reject(e);
    this.waiting.clear();
  }

  send(m: To): void {
    this.worker.postMessage(m);
  }

  next<T extends From['type']>(type: T): Promise<Extract<From, { type: T }>> {
    // The map is keyed by message type, so the message found or delivered under `type` is an Extract<From, { type: T }>.
    const m = this.got.get(type);
    if (m) {
      this.got.delete(type);
      return Promise.resolve(m as Extract<From, { type: T }>);
    }
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => this.waiting.set(type, { resolve: (x) => resolve(x as Extract<From, { type: T }>), reject }));
  }

  async terminate(): Promise<void> {
    await this.worker.terminate();
  }
}

function isError(m: { type: string } | ThreadError): m is ThreadError {
  return m.type === 'error' && 'message' in m && typeof m.message === 'string';
}
