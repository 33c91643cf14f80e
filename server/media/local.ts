import type { Logger } from 'pino';
import { InvalidStateError, ValidationError } from '../lib/errors.js';
import type { MediaEngine, MediaEngineStats, MediaRouter } from './engine.js';
import { WeriftRouter } from './werift/router.js';

export interface InProcessEngineOptions {
  listenIp?: string;
  announcedIp?: string;
  portRange?: [number, number];
  log?: Logger;
}

/**
 * Routers inside the calling process: no isolation from the signalling process and one core at most, but no IPC.
 * For tests, tools and the smallest deployments; production uses the worker pool.
 */
export class InProcessEngine implements MediaEngine {
  private _closed = false;
  private readonly routers = new Set<WeriftRouter>();

  constructor(private readonly opts: InProcessEngineOptions = {}) {}

  get closed(): boolean {
    return this._closed;
  }

  async createRouter(hearingId: string): Promise<MediaRouter> {
    if (this._closed) throw new InvalidStateError('media engine closed');
    if (typeof hearingId !== 'string' || hearingId.length === 0 || hearingId.length > 128) throw new ValidationError('invalid hearing id');
    const router = new WeriftRouter(hearingId, {
      listenIp: this.opts.listenIp ?? '127.0.0.1',
      ...(this.opts.announcedIp ? { announcedIp: this.opts.announcedIp } : {}),
      ...(this.opts.portRange ? { portRange: this.opts.portRange } : {}),
      ...(this.opts.log ? { log: this.opts.log } : {}),
    });
    this.routers.add(router);
    const close = router.close.bind(router);
    router.close = async () => {
      this.routers.delete(router);
      await close();
    };
    return router;
  }

  stats(): MediaEngineStats {
    return { workers: [{ pid: process.pid, routers: [...this.routers].filter((r) => !r.closed).length, alive: !this._closed }] };
  }

  async close(): Promise<void> {
    if (this._closed) return;
    this._closed = true;
    await Promise.allSettled([...this.routers].map((r) => r.close()));
    this.routers.clear();
  }
}
