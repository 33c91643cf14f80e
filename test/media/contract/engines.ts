import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../../server/config/index.js';
import type { MediaEngine } from '../../../server/media/engine.js';
import { createInProcessEngine, createWeriftEngine } from '../../../server/media/index.js';
import { locateMediasoupWorker } from '../../../server/media/mediasoup/worker-bin.js';

/**
 * The engines the contract runs against. Every engine gets the same cases; where an engine cannot have a behaviour
 * at all (an in-process engine has no worker to kill), a capability flag says so and the case is skipped for it.
 */
export interface NetworkOptions {
  listenIp?: string;
  announcedIp?: string;
  portRange?: [number, number];
}

export interface EngineCase {
  name: string;
  /** Routers live in worker processes the test can kill (`stats().workers[].pid`), and dead ones are replaced. */
  pool: boolean;
  /** Receives simulcast and forwards one layer per subscriber, named by RID in the forwarding table. */
  simulcast: boolean;
  /** Estimates a level for audio without the RFC 6464 extension (werift: from packet sizes). */
  audioEstimate: boolean;
  create(opts?: NetworkOptions & { workers?: number }): Promise<MediaEngine>;
}

interface MediasoupEngineLike extends MediaEngine {
  ready(): Promise<void>;
}
type MediasoupFactory = (opts: NetworkOptions & { workerBin: string; workers?: number }) => MediasoupEngineLike;

const MEDIASOUP_ENGINE = fileURLToPath(new URL('../../../server/media/mediasoup/index.ts', import.meta.url));

/** The mediasoup engine's factory, loaded by path so this file compiles on branches that do not have it yet. */
async function mediasoupFactory(): Promise<MediasoupFactory> {
  const spec: string = MEDIASOUP_ENGINE;
  const mod = (await import(spec)) as { createMediasoupEngine?: MediasoupFactory };
  if (typeof mod.createMediasoupEngine !== 'function') throw new Error(`${MEDIASOUP_ENGINE} exports no createMediasoupEngine`);
  return mod.createMediasoupEngine;
}

let warned = false;

/** werift in-process, werift worker pool, and mediasoup when its engine and its built worker are there. */
export function engines(): EngineCase[] {
  const out: EngineCase[] = [
    { name: 'werift in-process', pool: false, simulcast: true, audioEstimate: true, create: async (o = {}) => createInProcessEngine(o) },
    {
      name: 'werift worker pool',
      pool: true,
      simulcast: true,
      audioEstimate: true,
      create: async (o = {}) => {
        const e = createWeriftEngine({ workers: 1, ...o });
        await e.ready();
        return e;
      },
    },
  ];
  const where = locateMediasoupWorker(loadConfig().mediasoup);
  const why = !where.ok ? where.reason : !fs.existsSync(MEDIASOUP_ENGINE) ? `no mediasoup engine at ${MEDIASOUP_ENGINE}` : null;
  if (why !== null || !where.ok) {
    if (!warned) console.warn(`engine contract: mediasoup skipped (${why})`);
    warned = true;
    return out;
  }
  const workerBin = where.bin;
  out.push({
    name: 'mediasoup',
    pool: true,
    simulcast: true,
    audioEstimate: false,
    create: async (o = {}) => {
      const e = (await mediasoupFactory())({ workerBin, workers: 1, ...o });
      await e.ready();
      return e;
    },
  });
  return out;
}
