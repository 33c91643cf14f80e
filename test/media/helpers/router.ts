import { afterAll, beforeAll } from 'vitest';
import type { MediaEngine, MediaRouter, ProducerInfo } from '../../../server/media/engine.js';
import { createInProcessEngine } from '../../../server/media/index.js';
import type { Bot } from './bot.js';

/** Two simulcast layers, 180p and 360p: what the layer-choice tests publish. */
export const TWO_LAYERS = [
  { rid: 'l', width: 320, height: 180, kbps: 150 },
  { rid: 'h', width: 640, height: 360, kbps: 600 },
];

export interface RouterFixture {
  /** Set in the file's first beforeAll. */
  router: MediaRouter;
  /** Bots to close after the file. */
  bots: Bot[];
  /** The router's last `producersChanged` list. */
  producers: ProducerInfo[];
}

/** One in-process router for a test file, its producer list followed, its bots and engine closed after the file. */
export function useInProcessRouter(hearingId: string): RouterFixture {
  let engine: MediaEngine | undefined;
  const f = { bots: [] as Bot[], producers: [] as ProducerInfo[] } as RouterFixture;
  beforeAll(async () => {
    engine = createInProcessEngine();
    f.router = await engine.createRouter(hearingId);
    f.router.on('producersChanged', (p) => (f.producers = p));
  });
  afterAll(async () => {
    await Promise.allSettled(f.bots.map((b) => b.close()));
    await engine?.close();
  });
  return f;
}
