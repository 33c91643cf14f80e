/**
 * The werift media engine. `createWeriftEngine` runs routers in worker processes (one per core by default) and is
 * what the server wires in; `createInProcessEngine` keeps them in the calling process (tests, tools).
 */
import type { MediaEngine } from './engine.js';
import { InProcessEngine, type InProcessEngineOptions } from './local.js';
import { WorkerPoolEngine, type WorkerPoolOptions } from './worker/pool.js';

export type * from './engine.js';
export { WorkerPoolEngine, type WorkerPoolOptions, type WorkerStats } from './worker/pool.js';
export { InProcessEngine, type InProcessEngineOptions } from './local.js';
export type { WorkerLoad } from './worker/protocol.js';

/**
 * `workers` (default: one per core), `listenIp` (default 127.0.0.1), `announcedIp` (written into candidates when the
 * bound address is not the one clients reach), `portRange` (inclusive UDP range), `log` (pino); advanced:
 * `requestTimeoutMs`, `loadIntervalMs`, `execArgv`, `entry`.
 */
export type WeriftEngineOptions = WorkerPoolOptions;

export function createWeriftEngine(opts: WeriftEngineOptions = {}): WorkerPoolEngine {
  return new WorkerPoolEngine(opts);
}

export function createInProcessEngine(opts: InProcessEngineOptions = {}): MediaEngine {
  return new InProcessEngine(opts);
}
