/**
 * The request loop of a media worker process: hosts routers for the hearings placed on it and answers the parent's
 * requests over the IPC channel. Exits when the parent goes away. `worker.ts` is the entry that serves werift routers.
 */
import { pino, type Level, type Logger } from 'pino';
import { AppError } from '../../lib/errors.js';
import type { MediaRouter } from '../engine.js';
import {
  FORWARDED_EVENTS,
  ROUTER_METHODS,
  isWorkerRequest,
  type RouterMethod,
  type SerializedError,
  type WorkerInit,
  type WorkerLoad,
  type WorkerMessage,
  type WorkerRequest,
} from './protocol.js';

/** What a worker hosts: a MediaRouter that can also count its load. */
export interface HostedRouter extends MediaRouter {
  load(): { participants: number; producers: number; consumers: number };
}

export type RouterFactory = (hearingId: string, init: WorkerInit, log: Logger) => HostedRouter;

const routers = new Map<string, HostedRouter>();
let init: WorkerInit = { listenIp: '127.0.0.1' };
let log: Logger;
let factory: RouterFactory;

const ROUTER_METHOD_SET: ReadonlySet<string> = new Set<RouterMethod>(ROUTER_METHODS);

function send(m: WorkerMessage): void {
  if (process.connected) process.send!(m, undefined, {}, () => undefined);
}

function serialize(e: unknown): SerializedError {
  if (e instanceof AppError) return { message: e.message, code: e.code, name: e.name };
  if (e instanceof Error) return { message: e.message, code: 'INTERNAL', name: e.name };
  return { message: String(e), code: 'INTERNAL' };
}

async function handle(req: WorkerRequest): Promise<unknown> {
  switch (req.method) {
    case 'createRouter': {
      const router = factory(String(req.hearingId), init, log);
      routers.set(router.id, router);
      for (const event of FORWARDED_EVENTS) {
        router.on(event, (...args: unknown[]) => send({ type: 'event', routerId: router.id, event, args }));
      }
      return { routerId: router.id };
    }
    case 'router': {
      const router = routers.get(req.routerId);
      if (!router) throw new AppError('NOT_FOUND', `router ${req.routerId} not found`);
      if (!ROUTER_METHOD_SET.has(req.call)) throw new AppError('VALIDATION_FAILED', `unknown router method ${String(req.call)}`);
      const fn = router[req.call] as (...a: unknown[]) => Promise<unknown>;
      const value = await fn.apply(router, Array.isArray(req.args) ? req.args : []);
      if (req.call === 'close') routers.delete(req.routerId);
      return value ?? null;
    }
    case 'load':
      return load();
    case 'shutdown':
      await shutdown();
      return null;
    default:
      throw new AppError('VALIDATION_FAILED', 'unknown request');
  }
}

let lastCpu = process.cpuUsage();
let lastAt = performance.now();
let lastShare = 0;

function load(): WorkerLoad {
  let participants = 0;
  let producers = 0;
  let consumers = 0;
  for (const r of routers.values()) {
    const l = r.load();
    participants += l.participants;
    producers += l.producers;
    consumers += l.consumers;
  }
  const cpu = process.cpuUsage();
  return {
    pid: process.pid,
    routers: routers.size,
    participants,
    producers,
    consumers,
    cpuMicros: cpu.user + cpu.system,
    cpu: lastShare,
    rssBytes: process.memoryUsage.rss(),
  };
}

function reportLoad(): void {
  const now = performance.now();
  const d = process.cpuUsage(lastCpu);
  lastShare = (d.user + d.system) / 1000 / Math.max(1, now - lastAt);
  lastCpu = process.cpuUsage();
  lastAt = now;
  send({ type: 'load', load: load() });
}

async function shutdown(): Promise<void> {
  await Promise.allSettled([...routers.values()].map((r) => r.close()));
  routers.clear();
  setImmediate(() => process.exit(0));
}

/** Starts serving in this (forked) process; the worker options come from the parent on argv[2]. */
export function serveRouters(make: RouterFactory): void {
  if (!process.send) throw new Error('a media worker must be started by the worker pool (no IPC channel)');
  init = JSON.parse(process.argv[2] ?? '{}') as WorkerInit;
  log = pino({ name: 'media-worker', level: (init.logLevel as Level | undefined) ?? 'warn' });
  factory = make;
  process.on('message', (m: unknown) => {
    if (!isWorkerRequest(m)) return;
    handle(m).then(
      (value) => send({ type: 'res', id: m.id, ok: true, value }),
      (e: unknown) => send({ type: 'res', id: m.id, ok: false, error: serialize(e) }),
    );
  });
  // One hearing's bad input must not take down the others on this worker: werift raises some errors from timers
  // and event handlers, outside any request. Log and keep serving.
  process.on('uncaughtException', (e) => log.error({ err: e }, 'uncaught exception in media worker'));
  process.on('unhandledRejection', (e) => log.error({ err: e }, 'unhandled rejection in media worker'));
  process.on('disconnect', () => process.exit(0));
  setInterval(reportLoad, init.loadIntervalMs ?? 1000).unref();
  send({ type: 'ready', pid: process.pid });
}
