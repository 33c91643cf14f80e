/** Media worker process entry: serves werift routers (forked by the worker pool, see pool.ts). */
import { WeriftRouter } from '../werift/router.js';
import { serveRouters } from './serve.js';

serveRouters((hearingId, init, log) => new WeriftRouter(hearingId, { ...init, log }));
