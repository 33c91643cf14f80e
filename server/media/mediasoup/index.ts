/**
 * The mediasoup media engine (issue 13): mediasoup 3.19 workers built here against Debian's libraries, behind the
 * same MediaEngine interface as the werift engine. Browsers stay on SDP: the server-side SDP bridge (sdp.ts,
 * publisher.ts, subscriber.ts) is built from mediasoup-client's own SDP modules, so one browser client serves both
 * engines and the hearing protocol stays engine-agnostic.
 *
 * ```ts
 * const where = locateMediasoupWorker(config.mediasoup);
 * const engine = createMediasoupEngine({ workerBin: where.bin, workers: 2, listenIp: '10.0.0.5', announcedIp: '203.0.113.7', portRange: [40000, 49999], log });
 * await engine.ready();
 * ```
 */
import { MediasoupEngine, type MediasoupEngineOptions } from './engine.js';

export { MediasoupEngine, type MediasoupEngineOptions } from './engine.js';
export { MediasoupRouter } from './router.js';

export function createMediasoupEngine(opts: MediasoupEngineOptions): MediasoupEngine {
  return new MediasoupEngine(opts);
}
