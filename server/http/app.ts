import fs from 'node:fs';
import path from 'node:path';
import express, { type Express } from 'express';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import type { HttpDeps } from './context.js';
import { errorBody, errorHandler, notFoundHandler, requireJson } from './errors.js';
import { openApiDocument } from './openapi.js';
import { clientFiles } from './static.js';
import { authRouter } from './routes/auth.js';
import { casesRouter } from './routes/cases.js';
import { joinRouter } from './routes/join.js';
import { metaRouter } from './routes/meta.js';
import { recordingsRouter } from './routes/recordings.js';
import { verifyRouter } from './routes/verify.js';
import { agreementsRouter } from './routes/agreements.js';
import { signingRouter } from './routes/signing.js';
import { courtRouter } from './routes/court.js';
import { privacyRouter } from './routes/privacy.js';

export interface AppOptions {
  /** Built browser client (vite output); served with an SPA fallback when it exists. */
  clientDir?: string;
  /** Serve the client's precompressed .br/.gz files (default true); false is the plain serving of before issue 16 (bench). */
  precompressedClient?: boolean;
}

export function createApp(deps: HttpDeps, opts: AppOptions = {}): Express {
  const app = express();
  app.disable('x-powered-by');
  // One hop: the address our own reverse proxy saw (the last X-Forwarded-For entry). `true` would take the first entry,
  // which the client writes itself when the proxy appends, and so let anyone choose their address for the limits.
  app.set('trust proxy', deps.config.trustProxy ? 1 : false);
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          connectSrc: ["'self'", 'ws:', 'wss:'],
          mediaSrc: ["'self'", 'blob:'],
          // PDF previews rendered on request (signing, ruling) are fetched with the session and framed as blob: URLs.
          frameSrc: ["'self'", 'blob:'],
          imgSrc: ["'self'", 'data:', 'blob:'],
          // The browser client reads its link token from the fragment and must not leak it in a Referer.
          upgradeInsecureRequests: null,
        },
      },
      referrerPolicy: { policy: 'no-referrer' },
    }),
  );
  app.use(deps.metrics.middleware());
  app.use(pinoHttp({ logger: deps.log, autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/metrics' } }));

  // CORS stays closed unless origins are configured: the client is served from this same origin.
  app.use((req, res, next) => {
    const origin = req.headers.origin;
    if (origin && deps.config.corsOrigins.includes(origin)) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Vary', 'Origin');
      res.setHeader('Access-Control-Allow-Headers', 'Authorization, Content-Type');
      res.setHeader('Access-Control-Allow-Methods', 'GET, POST');
      if (req.method === 'OPTIONS') {
        res.status(204).end();
        return;
      }
    }
    next();
  });

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    if (await deps.ping()) res.json({ status: 'ready' });
    else res.status(503).json(errorBody('UNAVAILABLE', 'the store is not reachable'));
  });
  app.get('/metrics', async (_req, res) => {
    res.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });
  const openapi = openApiDocument();
  app.get('/api/openapi.json', (_req, res) => {
    res.json(openapi);
  });

  // Public PDF verification: a raw PDF body with its own size limit, so it sits before the JSON-only API router.
  app.use('/api/verify', verifyRouter(deps));
  const api = express.Router();
  api.use(requireJson);
  api.use(express.json({ limit: `${deps.config.bodyLimitKb}kb`, strict: true }));
  api.use('/auth', authRouter(deps));
  api.use('/cases', casesRouter(deps));
  api.use(metaRouter(deps));
  api.use(joinRouter(deps));
  if (deps.recordings) api.use(recordingsRouter(deps, deps.recordings));
  api.use(agreementsRouter(deps));
  api.use('/signing', signingRouter(deps));
  api.use('/court', courtRouter(deps));
  api.use(privacyRouter(deps));
  api.use(notFoundHandler);
  app.use('/api', api);

  if (opts.clientDir && fs.existsSync(path.join(opts.clientDir, 'index.html'))) {
    // Negotiated .br/.gz/plain files; hashed assets immutable for a year, the rest revalidated (server/http/static.ts).
    const client = clientFiles(opts.clientDir, { precompressed: opts.precompressedClient ?? true });
    app.use(client.files);
    // SPA fallback: every other GET is a client route (/, /cases/..., /join, /waiting); index.html is revalidated each time.
    // A missing asset is a 404, not the page: a stale tab asking for an old chunk gets an error it can report.
    app.get(/^(?!\/api\/|\/socket\.io\/|\/assets\/).*/, client.sendIndex);
  }
  app.use(notFoundHandler);
  app.use(errorHandler(deps.log));
  return app;
}
