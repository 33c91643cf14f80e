import os from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import { AppError, InvalidStateError, ValidationError } from '../../lib/errors.js';
import type { MediaEngine, MediaEngineStats, MediaRouter } from '../engine.js';
import { WorkerHandle } from './handle.js';
import type { WorkerInit, WorkerLoad, WorkerMessage } from './protocol.js';
import { RouterProxy } from './router-proxy.js';

export interface WorkerPoolOptions {
  /** Worker processes (default: one per core). */
  workers?: number;
  listenIp?: string;
  announcedIp?: string;
  portRange?: [number, number];
  log?: Logger;
  /** Per-request IPC timeout (default 20 s): a wedged worker fails the call instead of hanging it. */
  requestTimeoutMs?: number;
  /** Worker load report interval (default 1000 ms). */
  loadIntervalMs?: number;
  /** Node flags for the worker (default: run TypeScript through tsx when this module is TypeScript). */
  execArgv?: string[];
  /** Another worker entry calling `serveRouters` (benchmarks: a baseline forwarder behind the same IPC). */
  entry?: string;
}

export interface WorkerStats {
  pid: number;
  routers: number;
  alive: boolean;
  load: WorkerLoad | null;
}

/** Respawn backoff when a worker keeps dying right after start (ms). */
const RESPAWN_DELAYS = [0, 250, 1000, 5000];

function workerEntry(): { entry: string; execArgv: string[] } {
  const self = import.meta.url;
  const ts = self.endsWith('.ts');
  const entry = fileURLToPath(new URL(ts ? './worker.ts' : './worker.js', self));
  return { entry, execArgv: ts ? ['--import', 'tsx'] : [] };
}

/**
 * The werift engine seen from the signalling process: a fixed number of worker slots, each holding a live worker
 * process (respawned when it dies), hearings placed on the least loaded live worker.
 */
export class WorkerPoolEngine implements MediaEngine {
  private _closed = false;
  private readonly slots: (WorkerHandle | null)[];
  private readonly routers = new Map<string, RouterProxy>();
  private readonly crashes: number[];
  private readonly respawnTimers = new Set<NodeJS.Timeout>();
  private readonly init: WorkerInit;
  private readonly entry: { entry: string; execArgv: string[] };

  constructor(private readonly opts: WorkerPoolOptions = {}) {
    const n = opts.workers ?? os.availableParallelism();
    if (!Number.isInteger(n) || n < 1 || n > 64) throw new ValidationError('workers must be an integer 1..64');
    const listenIp = opts.listenIp ?? '127.0.0.1';
    this.init = {
      listenIp,
      ...(opts.announcedIp ? { announcedIp: opts.announcedIp } : {}),
      ...(opts.portRange ? { portRange: opts.portRange } : {}),
      logLevel: opts.log?.level ?? 'warn',
      loadIntervalMs: opts.loadIntervalMs ?? 1000,
    };
    const def = workerEntry();
    this.entry = { entry: opts.entry ?? def.entry, execArgv: opts.execArgv ?? def.execArgv };
    this.slots = new Array<WorkerHandle | null>(n).fill(null);
    this.crashes = new Array<number>(n).fill(0);
    for (let i = 0; i < n; i++) this.spawn(i);
  }

  get closed(): boolean {
    return this._closed;
  }

  /** Resolves when every slot has a started worker (rejects if one fails to start). */
  async ready(): Promise<void> {
    await Promise.all(this.slots.map((w) => w?.ready));
  }

  private spawn(slot: number): void {
    if (this._closed) return;
    let handle: WorkerHandle;
    try {
      handle = this.fork(slot);
    } catch (e) {
      // Could not even fork (resources, missing entry): try again later rather than throw from a timer.
      this.opts.log?.error({ err: e, slot }, 'media worker could not be forked');
      this.crashes[slot] = Math.min(this.crashes[slot]! + 1, RESPAWN_DELAYS.length - 1);
      const timer = setTimeout(() => {
        this.respawnTimers.delete(timer);
        this.spawn(slot);
      }, Math.max(250, RESPAWN_DELAYS[this.crashes[slot]!]!));
      this.respawnTimers.add(timer);
      return;
    }
    this.slots[slot] = handle;
    handle.ready.then(
      () => this.opts.log?.info({ pid: handle.pid, slot }, 'media worker started'),
      (e: unknown) => this.opts.log?.error({ err: e, slot }, 'media worker failed to start'),
    );
  }

  private fork(slot: number): WorkerHandle {
    const handle: WorkerHandle = new WorkerHandle({
      ...this.entry,
      init: this.init,
      requestTimeoutMs: this.opts.requestTimeoutMs ?? 20_000,
      // A worker is a tsx child: about a second on a quiet machine, far more when the cores are shared. This only
      // catches a worker that hangs, so it is generous.
      startTimeoutMs: 60_000,
      onMessage: (m) => this.onWorkerMessage(m),
      onExit: (reason) => this.onWorkerExit(slot, handle, reason),
    });
    return handle;
  }

  private onWorkerMessage(m: WorkerMessage): void {
    if (m.type !== 'event') return;
    this.routers.get(m.routerId)?.dispatch(m.event, m.args);
  }

  private onWorkerExit(slot: number, handle: WorkerHandle, reason: string): void {
    for (const id of handle.routerIds) this.routers.get(id)?.fail(`media worker ${handle.pid} died (${reason})`);
    handle.routerIds.clear();
    if (this._closed || this.slots[slot] !== handle) return;
    this.opts.log?.error({ pid: handle.pid, reason }, 'media worker died; respawning');
    // Back off when a worker dies soon after starting: a crash loop must not eat the machine.
    const quick = Date.now() - handle.startedAt < 10_000;
    this.crashes[slot] = quick ? Math.min(this.crashes[slot]! + 1, RESPAWN_DELAYS.length - 1) : 0;
    const timer = setTimeout(() => {
      this.respawnTimers.delete(timer);
      this.spawn(slot);
    }, RESPAWN_DELAYS[this.crashes[slot]!]);
    this.respawnTimers.add(timer);
  }

  /** Least loaded live worker: fewest routers, then lowest reported CPU. Waits for one to be up. */
  private async pick(): Promise<WorkerHandle> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      if (this._closed) throw new InvalidStateError('media engine closed');
      const live = this.slots.filter((w): w is WorkerHandle => w !== null && w.alive);
      const started: WorkerHandle[] = [];
      for (const w of live) {
        const ok = await Promise.race([w.ready.then(() => true, () => false), new Promise<boolean>((r) => setTimeout(() => r(false), 50))]);
        if (ok && w.alive) started.push(w);
      }
      if (started.length) {
        started.sort((a, b) => a.routerIds.size - b.routerIds.size || (a.lastLoad?.cpu ?? 0) - (b.lastLoad?.cpu ?? 0));
        return started[0]!;
      }
      if (Date.now() > deadline) throw new AppError('UNAVAILABLE', 'no media worker is running');
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async createRouter(hearingId: string): Promise<MediaRouter> {
    if (this._closed) throw new InvalidStateError('media engine closed');
    if (typeof hearingId !== 'string' || hearingId.length === 0 || hearingId.length > 128) throw new ValidationError('invalid hearing id');
    const worker = await this.pick();
    const { routerId } = await worker.request<{ routerId: string }>({ method: 'createRouter', hearingId });
    const proxy = new RouterProxy(routerId, hearingId, worker, (r) => {
      this.routers.delete(r.id);
      r.worker.routerIds.delete(r.id);
    });
    // The worker may have died between the answer and now.
    if (!worker.alive) {
      proxy.fail(`media worker ${worker.pid} died`);
      return proxy;
    }
    this.routers.set(routerId, proxy);
    worker.routerIds.add(routerId);
    return proxy;
  }

  stats(): MediaEngineStats & { workers: WorkerStats[] } {
    return {
      workers: this.slots
        .filter((w): w is WorkerHandle => w !== null)
        .map((w) => ({ pid: w.pid, routers: w.routerIds.size, alive: w.alive, load: w.lastLoad })),
    };
  }

  /** Fresh load figures from every live worker (CPU time, routers, consumers). */
  async loads(): Promise<WorkerLoad[]> {
    const live = this.slots.filter((w): w is WorkerHandle => w !== null && w.alive);
    const res = await Promise.allSettled(live.map((w) => w.request<WorkerLoad>({ method: 'load' }, 5000)));
    return res.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  }

  async close(): Promise<void> {
    if (this._closed) return;
    this._closed = true;
    for (const t of this.respawnTimers) clearTimeout(t);
    this.respawnTimers.clear();
    for (const r of [...this.routers.values()]) r.markClosed();
    this.routers.clear();
    const handles = this.slots.filter((w): w is WorkerHandle => w !== null);
    await Promise.all(
      handles.map(async (w) => {
        if (!w.alive) return;
        await Promise.race([w.request({ method: 'shutdown' }, 1000).catch(() => undefined), w.exited()]);
        const done = await Promise.race([w.exited().then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 1000))]);
        if (!done) w.kill('SIGKILL');
        await w.exited();
      }),
    );
  }
}
