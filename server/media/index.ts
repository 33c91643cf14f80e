/**
 * The werift media engine. `createWeriftEngine` runs routers in worker processes (one per core by default) and is
 * what the server wires in; `createInProcessEngine` keeps them in the calling process (tests, tools).
 */
import type { Logger } from 'pino';
import type { MediaEngine } from './engine.js';
import { InProcessEngine } from './local.js';
import { WorkerPoolEngine } from './worker/pool.js';

export type * from './engine.js';
export { WorkerPoolEngine, type WorkerPoolOptions, type WorkerStats } from './worker/pool.js';
export { InProcessEngine, type InProcessEngineOptions } from './local.js';
export type { WorkerLoad } from './worker/protocol.js';

export interface WeriftEngineOptions {
  /** Worker processes; default one per core. */
  workers?: number;
  /** Address the media sockets bind to; default 127.0.0.1. */
  listenIp?: string;
  /** Address announced in ICE candidates when it differs from `listenIp` (public address behind 1:1 NAT). */
  announcedIp?: string;
  /** Inclusive UDP port range for the media sockets. */
  portRange?: [number, number];
  log?: Logger;
}

export function createWeriftEngine(opts: WeriftEngineOptions = {}): WorkerPoolEngine {
  return new WorkerPoolEngine(opts);
}

export function createInProcessEngine(opts: Omit<WeriftEngineOptions, 'workers'> = {}): MediaEngine {
  return new InProcessEngine(opts);
}
