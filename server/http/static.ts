import fs from 'node:fs';
import path from 'node:path';
import type { Request, RequestHandler, Response, NextFunction } from 'express';

/** Vite's content-hashed output (`assets/index-pHaaYnoh.js`): a new build gives a new name, so the old never changes. */
const HASHED = /^\/assets\/.+-[A-Za-z0-9_-]{8}\.[a-z0-9]+$/;
export const IMMUTABLE = 'public, max-age=31536000, immutable';
/** index.html and anything unhashed: the browser may keep a copy but asks first (ETag, 304). */
export const REVALIDATE = 'no-cache';

/** Precompressed variants written at build by client/build/precompress.ts, in the server's order of preference. */
const VARIANTS = [
  { coding: 'br', ext: '.br' },
  { coding: 'gzip', ext: '.gz' },
] as const;
type Coding = (typeof VARIANTS)[number]['coding'];

/** The codings an Accept-Encoding header allows (q > 0); `*` allows any not named. */
export function acceptedCodings(header: string | undefined): Set<Coding> {
  const named = new Map<string, number>();
  for (const part of (header ?? '').split(',')) {
    const [name = '', ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
    named.set(name.trim(), q === undefined ? 1 : Number(q));
  }
  const star = named.get('*') ?? 0;
  const out = new Set<Coding>();
  for (const { coding } of VARIANTS) if ((named.get(coding) ?? star) > 0) out.add(coding);
  // x-gzip is gzip (RFC 9110 8.4.1.3)
  if (!named.has('gzip') && (named.get('x-gzip') ?? 0) > 0) out.add('gzip');
  return out;
}

export interface ClientFilesOptions {
  /** Serve the .br/.gz variants (default). false: the plain files with a one-hour cache, as before issue 16 (the benchmark's "before"). */
  precompressed?: boolean;
}

/**
 * The built browser client (client/dist): each file by content negotiation on Accept-Encoding (a precompressed .br or
 * .gz beside it when the browser takes it, else the file itself), `Vary: Accept-Encoding`, hashed assets cached for a
 * year as immutable and everything else revalidated. `sendIndex` is the SPA fallback: index.html the same way.
 */
export function clientFiles(clientDir: string, opts: ClientFilesOptions = {}): { files: RequestHandler; sendIndex: RequestHandler } {
  const root = path.resolve(clientDir);
  const precompressed = opts.precompressed ?? true;

  function send(req: Request, res: Response, next: NextFunction, rel: string, cacheControl: string): void {
    const file = path.join(root, rel);
    const codings = precompressed ? acceptedCodings(req.headers['accept-encoding']) : new Set<Coding>();
    const variant = VARIANTS.find((v) => codings.has(v.coding) && fs.existsSync(file + v.ext));
    const headers: Record<string, string> = { 'Cache-Control': cacheControl };
    if (precompressed) res.vary('Accept-Encoding');
    if (variant) {
      // The type is the original file's (send would take it from .br / .gz); a byte range of the encoded body is of no use.
      res.type(path.extname(rel));
      headers['Content-Encoding'] = variant.coding;
    }
    res.sendFile(variant ? file + variant.ext : file, { headers, cacheControl: false, acceptRanges: !variant, dotfiles: 'allow' }, (err) => {
      if (err && !res.headersSent) next(err);
    });
  }

  const files: RequestHandler = (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    let rel: string;
    try {
      rel = decodeURIComponent(req.path);
    } catch {
      return next();
    }
    // Only plain files inside the client folder; the variants are reached through negotiation, index.html through the fallback.
    if (rel.includes('\0') || rel.includes('/.') || /\.(?:br|gz)$/.test(rel) || rel === '/' || rel === '/index.html') return next();
    const file = path.join(root, rel);
    if (!file.startsWith(root + path.sep)) return next();
    fs.stat(file, (err, st) => {
      if (err || !st.isFile()) return next();
      const cache = !precompressed ? 'public, max-age=3600' : HASHED.test(rel) ? IMMUTABLE : REVALIDATE;
      send(req, res, next, rel, cache);
    });
  };
  const sendIndex: RequestHandler = (req, res, next) => send(req, res, next, '/index.html', REVALIDATE);
  return { files, sendIndex };
}
