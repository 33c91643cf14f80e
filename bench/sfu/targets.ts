import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { loadConfig } from '../../server/config/index.js';
import type { MediaEngine } from '../../server/media/engine.js';
import { createMediasoupEngine } from '../../server/media/mediasoup/index.js';
import { loadMediasoup } from '../../server/media/mediasoup/load.js';
import { locateMediasoupWorker } from '../../server/media/mediasoup/worker-bin.js';
import { WorkerPoolEngine } from '../../server/media/worker/pool.js';
import type { BotRouter } from '../../test/media/helpers/bot.js';
import { BARE_MEDIA_CODECS, BareMediasoupRouter } from './bare.js';

/**
 * The SFUs the benchmark loads, each behind the same small surface: a router per room that the bots signal with,
 * the forwarded-packet count, and the pids of the process(es) that forward (pinned to the SFU's core and measured).
 */
export interface BenchRouter extends BotRouter {
  /** Packets sent to subscribers so far, as the SFU counts them. */
  forwarded(): Promise<number>;
  close(): Promise<void>;
}

export interface RunningSfu {
  router(roomId: string): Promise<BenchRouter>;
  /** The forwarding process(es): werift worker processes, mediasoup worker processes. */
  pids(): number[];
  close(): Promise<void>;
}

/** SRTP protection profiles as werift numbers them (RFC 5764 / 7714). */
export const AES_CM_128_HMAC_SHA1_80 = 1;
export const AEAD_AES_128_GCM = 7;

export interface Target {
  key: 'mediasoup' | 'bare' | 'werift' | 'naive';
  label: string;
  /** What the bots offer: the suite Chromium negotiates with this engine, or the nearest werift can offer. */
  srtpProfiles: number[];
  /** Why this target cannot run here (no worker built, engine missing), or undefined. */
  unavailable(): Promise<string | undefined>;
  start(): Promise<RunningSfu>;
}

const LISTEN_IP = '127.0.0.1';
const log = pino({ level: 'warn' });

/** A MediaEngine with one worker: routers by hearing id, forwarded packets from its forwarding table. */
async function engineSfu(engine: MediaEngine & { ready(): Promise<void> }): Promise<RunningSfu> {
  await engine.ready();
  return {
    async router(roomId) {
      const r = await engine.createRouter(`bench-${roomId}`);
      return {
        publish: (p, sdp, sources) => r.publish(p, sdp, sources),
        subscribe: (p) => r.subscribe(p),
        answerSubscriber: (p, sdp) => r.answerSubscriber(p, sdp),
        on: (e, l) => r.on(e, l),
        off: (e, l) => r.off(e, l),
        forwarded: async () => (await r.forwardingTable()).reduce((n, row) => n + row.packets, 0),
        close: () => r.close(),
      };
    },
    pids: () => engine.stats().workers.filter((w) => w.alive).map((w) => w.pid),
    close: () => engine.close(),
  };
}

function workerBin(): { ok: true; bin: string } | { ok: false; reason: string } {
  return locateMediasoupWorker(loadConfig().mediasoup);
}

const here = path.dirname(fileURLToPath(import.meta.url));

export const TARGETS: Target[] = [
  {
    key: 'mediasoup',
    label: "mediasoup, Concord's engine",
    srtpProfiles: [AEAD_AES_128_GCM],
    async unavailable() {
      const w = workerBin();
      return w.ok ? undefined : w.reason;
    },
    async start() {
      const w = workerBin();
      if (!w.ok) throw new Error(w.reason);
      return engineSfu(createMediasoupEngine({ workerBin: w.bin, workers: 1, listenIp: LISTEN_IP, log }));
    },
  },
  {
    key: 'bare',
    label: 'bare mediasoup worker (raw router)',
    srtpProfiles: [AEAD_AES_128_GCM],
    async unavailable() {
      const w = workerBin();
      return w.ok ? undefined : w.reason;
    },
    async start() {
      const w = workerBin();
      if (!w.ok) throw new Error(w.reason);
      const mediasoup = await loadMediasoup(w.bin);
      const worker = await mediasoup.createWorker({ logLevel: 'warn' });
      return {
        router: async () => new BareMediasoupRouter(await worker.createRouter({ mediaCodecs: BARE_MEDIA_CODECS }), LISTEN_IP),
        pids: () => (worker.closed ? [] : [worker.pid]),
        close: async () => worker.close(),
      };
    },
  },
  {
    key: 'werift',
    label: 'werift engine (byte-level forwarding)',
    srtpProfiles: [AES_CM_128_HMAC_SHA1_80],
    unavailable: async () => undefined,
    start: () => engineSfu(new WorkerPoolEngine({ workers: 1, listenIp: LISTEN_IP })),
  },
  {
    key: 'naive',
    label: 'naive werift forwarder (ontrack -> sendRtp)',
    srtpProfiles: [AES_CM_128_HMAC_SHA1_80],
    unavailable: async () => undefined,
    start: () => engineSfu(new WorkerPoolEngine({ workers: 1, listenIp: LISTEN_IP, entry: path.join(here, 'naive-worker.ts') })),
  },
];
