import os from 'node:os';
import type * as Mediasoup from 'mediasoup';
import type { types } from 'mediasoup';
import type { Logger } from 'pino';
import { AppError, InvalidStateError, ValidationError } from '../../lib/errors.js';
import type { MediaEngine, MediaEngineStats, MediaRouter } from '../engine.js';
import { MEDIA_CODECS } from './codecs.js';
import { loadMediasoup } from './load.js';
import { MediasoupRouter } from './router.js';
import type { TapOpener } from './taps.js';

export interface MediasoupEngineOptions {
  /** The mediasoup worker binary (server/media/mediasoup/worker-bin.ts locates it). */
  workerBin: string;
  /** Worker processes (default: one per core). */
  workers?: number;
  /** Address the transports bind to (default 127.0.0.1). */
  listenIp?: string;
  /** Address written into candidates when it differs from the bound one. */
  announcedIp?: string;
  /** Inclusive UDP port range shared by every transport. */
  portRange?: [number, number];
  log?: Logger;
  /** Recording taps (default: MediasoupRecordingTap of tap.ts). */
  openTap?: TapOpener;
}

/** Respawn backoff when a worker keeps dying right after start (ms). */
const RESPAWN_DELAYS = [0, 250, 1000, 5000];

interface Slot {
  worker: types.Worker | null;
  starting: Promise<types.Worker | null> | null;
  routers: Set<MediasoupRouter>;
  crashes: number;
  startedAt: number;
}

/**
 * The mediasoup engine: a fixed number of worker slots, each holding a live mediasoup worker (respawned with
 * backoff when it dies), a router per hearing on the worker with the fewest routers. A dead worker fails each of
 * its routers (`failed`), and the hearing layer places the hearing again.
 */
export class MediasoupEngine implements MediaEngine {
  private _closed = false;
  private readonly slots: Slot[];
  private readonly timers = new Set<NodeJS.Timeout>();
  private mediasoup: Promise<typeof Mediasoup>;

  constructor(private readonly opts: MediasoupEngineOptions) {
    if (typeof opts.workerBin !== 'string' || !opts.workerBin) throw new ValidationError('workerBin is required');
    const n = opts.workers ?? os.availableParallelism();
    if (!Number.isInteger(n) || n < 1 || n > 64) throw new ValidationError('workers must be an integer 1..64');
    this.mediasoup = loadMediasoup(opts.workerBin);
    this.slots = Array.from({ length: n }, () => ({ worker: null, starting: null, routers: new Set(), crashes: 0, startedAt: 0 }));
    for (const slot of this.slots) void this.spawn(slot);
  }

  get closed(): boolean {
    return this._closed;
  }

  /** Resolves when every slot has a running worker (rejects if one fails to start). */
  async ready(): Promise<void> {
    const workers = await Promise.all(this.slots.map((s) => s.starting ?? Promise.resolve(s.worker)));
    if (workers.some((w) => !w)) throw new AppError('UNAVAILABLE', 'a mediasoup worker failed to start');
  }

  private spawn(slot: Slot): Promise<types.Worker | null> {
    const starting = (async () => {
      try {
        const ms = await this.mediasoup;
        const worker = await ms.createWorker({ logLevel: 'warn' });
        if (this._closed) {
          worker.close();
          return null;
        }
        slot.worker = worker;
        slot.startedAt = Date.now();
        worker.on('died', (err) => this.onDied(slot, worker, err));
        this.opts.log?.info({ pid: worker.pid }, 'mediasoup worker started');
        return worker;
      } catch (e) {
        this.opts.log?.error({ err: e }, 'mediasoup worker failed to start');
        this.respawnLater(slot, true);
        return null;
      } finally {
        slot.starting = null;
      }
    })();
    slot.starting = starting;
    return starting;
  }

  private respawnLater(slot: Slot, quick: boolean): void {
    if (this._closed) return;
    slot.crashes = quick ? Math.min(slot.crashes + 1, RESPAWN_DELAYS.length - 1) : 0;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.spawn(slot);
    }, RESPAWN_DELAYS[slot.crashes]);
    this.timers.add(timer);
  }

  private onDied(slot: Slot, worker: types.Worker, err: Error): void {
    if (slot.worker !== worker) return;
    slot.worker = null;
    const reason = `mediasoup worker ${worker.pid} died (${err.message})`;
    for (const r of slot.routers) r.fail(reason);
    slot.routers.clear();
    if (this._closed) return;
    this.opts.log?.error({ pid: worker.pid, err: err.message }, 'mediasoup worker died; respawning');
    // Back off when a worker dies soon after starting: a crash loop must not eat the machine.
    this.respawnLater(slot, Date.now() - slot.startedAt < 10_000);
  }

  /** The live worker with the fewest routers; waits (up to 20 s) for one to be up. */
  private async pick(): Promise<Slot & { worker: types.Worker }> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      if (this._closed) throw new InvalidStateError('media engine closed');
      const live = this.slots.filter((s): s is Slot & { worker: types.Worker } => s.worker !== null && !s.worker.closed && !s.worker.died);
      if (live.length) return live.sort((a, b) => a.routers.size - b.routers.size)[0]!;
      if (Date.now() > deadline) throw new AppError('UNAVAILABLE', 'no mediasoup worker is running');
      const starting = this.slots.map((s) => s.starting).filter((x): x is Promise<types.Worker | null> => x !== null);
      await Promise.race([...starting, new Promise((r) => setTimeout(r, 100))]);
    }
  }

  async createRouter(hearingId: string): Promise<MediaRouter> {
    if (this._closed) throw new InvalidStateError('media engine closed');
    if (typeof hearingId !== 'string' || hearingId.length === 0 || hearingId.length > 128) throw new ValidationError('invalid hearing id');
    const slot = await this.pick();
    const msRouter = await slot.worker.createRouter({ mediaCodecs: MEDIA_CODECS, appData: { hearingId } });
    const router = await MediasoupRouter.create(hearingId, msRouter, {
      listenIp: this.opts.listenIp ?? '127.0.0.1',
      ...(this.opts.announcedIp ? { announcedIp: this.opts.announcedIp } : {}),
      ...(this.opts.portRange ? { portRange: this.opts.portRange } : {}),
      ...(this.opts.log ? { log: this.opts.log } : {}),
      ...(this.opts.openTap ? { openTap: this.opts.openTap } : {}),
    });
    if (this._closed) {
      await router.close();
      throw new InvalidStateError('media engine closed');
    }
    slot.routers.add(router);
    msRouter.observer.once('close', () => slot.routers.delete(router));
    return router;
  }

  stats(): MediaEngineStats {
    return {
      workers: this.slots
        .filter((s): s is Slot & { worker: types.Worker } => s.worker !== null)
        .map((s) => ({ pid: s.worker.pid, routers: [...s.routers].filter((r) => !r.closed).length, alive: !s.worker.closed && !s.worker.died })),
    };
  }

  async close(): Promise<void> {
    if (this._closed) return;
    this._closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    const routers = this.slots.flatMap((s) => [...s.routers]);
    await Promise.allSettled(routers.map((r) => r.close()));
    for (const s of this.slots) {
      s.routers.clear();
      s.worker?.close();
      s.worker = null;
    }
  }
}
