import { fork, type ChildProcess } from 'node:child_process';
import { AppError } from '../../lib/errors.js';
import { isWorkerMessage, type WorkerInit, type WorkerLoad, type WorkerMessage, type WorkerRequest } from './protocol.js';

type DistributiveOmit<T, K extends keyof T> = T extends unknown ? Omit<T, K> : never;
export type RequestBody = DistributiveOmit<WorkerRequest, 'id' | 'type'>;

interface Pending {
  resolve(v: unknown): void;
  reject(e: Error): void;
  timer: NodeJS.Timeout;
}

export interface WorkerHandleOptions {
  entry: string;
  execArgv: string[];
  init: WorkerInit;
  requestTimeoutMs: number;
  startTimeoutMs: number;
  onMessage(m: WorkerMessage): void;
  onExit(reason: string): void;
}

function restore(error: { message: string; code?: string }): Error {
  const code = error.code as ConstructorParameters<typeof AppError>[0] | undefined;
  return code ? new AppError(code, error.message) : new Error(error.message);
}

/**
 * One worker process seen from the parent: request/response matching, timeouts, and a single place that turns the
 * process's death into rejected requests (nothing waits on a dead worker).
 */
export class WorkerHandle {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly startedAt = Date.now();
  alive = true;
  ready: Promise<void>;
  lastLoad: WorkerLoad | null = null;
  /** Routers placed here (ids), for placement and stats. */
  readonly routerIds = new Set<string>();
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private exitReason = '';

  constructor(private readonly opts: WorkerHandleOptions) {
    this.child = fork(opts.entry, [JSON.stringify(opts.init)], {
      execArgv: opts.execArgv,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      serialization: 'json',
    });
    if (this.child.pid === undefined) throw new AppError('UNAVAILABLE', 'media worker could not be started');
    this.pid = this.child.pid;
    this.ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new AppError('UNAVAILABLE', `media worker ${this.pid} did not start in ${opts.startTimeoutMs} ms`));
        this.kill();
      }, opts.startTimeoutMs);
      this.child.on('message', (m: unknown) => {
        if (!isWorkerMessage(m)) return;
        if (m.type === 'ready') {
          clearTimeout(timer);
          resolve();
        }
      });
      this.child.once('exit', () => {
        clearTimeout(timer);
        reject(new AppError('UNAVAILABLE', `media worker ${this.pid} exited during start-up (${this.exitReason})`));
      });
    });
    this.ready.catch(() => undefined);
    this.child.on('message', (m: unknown) => this.onMessage(m));
    this.child.on('error', () => undefined); // exit follows; send errors surface there
    this.child.once('exit', (code, signal) => this.onExit(code, signal));
  }

  private onMessage(m: unknown): void {
    if (!isWorkerMessage(m)) return;
    if (m.type === 'res') {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      clearTimeout(p.timer);
      if (m.ok) p.resolve(m.value);
      else p.reject(restore(m.error));
      return;
    }
    if (m.type === 'load') this.lastLoad = m.load;
    this.opts.onMessage(m);
  }

  private onExit(code: number | null, signal: NodeJS.Signals | null): void {
    this.alive = false;
    this.exitReason = signal ? `signal ${signal}` : `exit code ${code}`;
    const err = new AppError('UNAVAILABLE', `media worker ${this.pid} died (${this.exitReason})`);
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(err);
    }
    this.pending.clear();
    this.opts.onExit(this.exitReason);
  }

  request<T = unknown>(body: RequestBody, timeoutMs = this.opts.requestTimeoutMs): Promise<T> {
    if (!this.alive || !this.child.connected) {
      return Promise.reject(new AppError('UNAVAILABLE', `media worker ${this.pid} is not running${this.exitReason ? ` (${this.exitReason})` : ''}`));
    }
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new AppError('UNAVAILABLE', `media worker ${this.pid} did not answer ${body.method} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
      const msg = { ...body, type: 'req', id } as WorkerRequest;
      this.child.send(msg, (err) => {
        if (!err) return;
        const p = this.pending.get(id);
        if (!p) return;
        this.pending.delete(id);
        clearTimeout(p.timer);
        reject(new AppError('UNAVAILABLE', `media worker ${this.pid} unreachable: ${err.message}`));
      });
    });
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    if (this.alive) this.child.kill(signal);
  }

  /** Resolves once the process is gone (immediately when it already is). */
  exited(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return Promise.resolve();
    return new Promise((r) => this.child.once('exit', () => r()));
  }
}
