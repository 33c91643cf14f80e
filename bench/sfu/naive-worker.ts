/** Worker entry for the benchmark's baseline: the naive werift forwarder behind the same IPC as the real engine. */
import { serveRouters } from '../../server/media/worker/serve.js';
import { NaiveRouter } from './naive.js';

serveRouters((hearingId, init) => new NaiveRouter(hearingId, init));
