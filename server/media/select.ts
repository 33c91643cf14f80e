import type { Logger } from 'pino';
import { ConfigError, type Config } from '../config/index.js';
import { InvalidStateError } from '../lib/errors.js';
import type { MediaEngine } from './engine.js';
import { locateMediasoupWorker } from './mediasoup/worker-bin.js';

/** The engine the configuration asks for, and why (the one line `npm start` and the logs show). */
export type EngineChoice =
  | { readonly engine: 'mediasoup'; readonly workerBin: string; readonly why: string }
  | { readonly engine: 'werift'; readonly why: string };

/**
 * CONCORD_MEDIA_ENGINE: `mediasoup` needs its worker (a configuration error otherwise, said at start, not at the first
 * hearing); `werift` is the pure-TypeScript fallback; `auto` (default) takes mediasoup wherever its worker is built.
 */
export function chooseEngine(config: Pick<Config, 'media' | 'mediasoup'>): EngineChoice {
  const asked = config.media.engine;
  if (asked === 'werift') return { engine: 'werift', why: 'CONCORD_MEDIA_ENGINE=werift' };
  const where = locateMediasoupWorker(config.mediasoup);
  if (where.ok) {
    const how = asked === 'mediasoup' ? 'CONCORD_MEDIA_ENGINE=mediasoup' : 'its worker is built';
    return { engine: 'mediasoup', workerBin: where.bin, why: `mediasoup ${where.version}, ${how}: ${where.bin}` };
  }
  if (asked === 'mediasoup') throw new ConfigError(`invalid configuration:\n  CONCORD_MEDIA_ENGINE: mediasoup was asked for, but ${where.reason}`);
  return { engine: 'werift', why: `the fallback: ${where.reason}` };
}

/**
 * The chosen engine, created when the first live hearing needs a router: its module and its worker processes (one per
 * core) then cost nothing to a server that never holds a hearing (the CLI tools, most tests). If it cannot start, the
 * hearing runs without media (lobby, chat, controls) and the next hearing tries again.
 * Listen/announced address, port range and worker count come from the config (CONCORD_MEDIA_*).
 */
export function lazyEngine(log: Logger, choice: EngineChoice, media: Config['media']): MediaEngine {
  let engine: Promise<MediaEngine> | undefined;
  let started: MediaEngine | undefined;
  let closed = false;
  const net = {
    log,
    listenIp: media.listenIp,
    ...(media.workers !== undefined ? { workers: media.workers } : {}),
    ...(media.announcedIp !== undefined ? { announcedIp: media.announcedIp } : {}),
    ...(media.portRange !== undefined ? { portRange: [media.portRange[0], media.portRange[1]] as [number, number] } : {}),
  };
  const start = async (): Promise<MediaEngine> => {
    if (choice.engine === 'mediasoup') {
      const m = await import('./mediasoup/index.js');
      const e = m.createMediasoupEngine({ ...net, workerBin: choice.workerBin });
      started = e;
      await e.ready();
      return e;
    }
    const m = await import('./index.js');
    return (started = m.createWeriftEngine(net));
  };
  return {
    get closed() {
      return closed;
    },
    async createRouter(hearingId) {
      if (closed) throw new InvalidStateError('media engine closed');
      engine ??= start().catch((err: unknown) => {
        engine = undefined;
        const failed = started;
        started = undefined;
        void failed?.close().catch(() => undefined);
        throw err;
      });
      return (await engine).createRouter(hearingId);
    },
    stats() {
      return started?.stats() ?? { workers: [] };
    },
    async close() {
      closed = true;
      await (await engine?.catch(() => undefined))?.close();
    },
  };
}
