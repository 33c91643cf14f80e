import type { Express } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.js';

interface StackLayer {
  rawPath?: unknown;
  route?: { path: unknown; methods: Record<string, boolean> };
  handle?: { stack?: StackLayer[] };
}

/** Every (METHOD, path) mounted on an express 5 app, sub-routers included, with `:id` written `{id}` as OpenAPI does. */
export function mountedRoutes(app: Express): string[] {
  const out: string[] = [];
  const walk = (stack: StackLayer[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) {
        const p = layer.route.path;
        // A RegExp route is the browser client's SPA fallback (any GET outside /api), not part of the API.
        if (typeof p !== 'string') continue;
        for (const [method, on] of Object.entries(layer.route.methods)) {
          if (on && method !== '_all') out.push(`${method.toUpperCase()} ${normalise(prefix + p)}`);
        }
      } else if (layer.handle?.stack) {
        const mount = typeof layer.rawPath === 'string' && layer.rawPath !== '/' ? layer.rawPath : '';
        walk(layer.handle.stack, prefix + mount);
      }
    }
  };
  walk((app as unknown as { router: { stack: StackLayer[] } }).router.stack, '');
  return [...new Set(out)].sort();
}

const normalise = (p: string) => (p.length > 1 ? p.replace(/\/+$/, '') : p).replace(/:([A-Za-z0-9_]+)/g, '{$1}');

/** Issue 11, item 8: every mounted route is in /api/openapi.json. */
describe('OpenAPI document covers every mounted route', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer('sqlite');
  });
  afterAll(async () => {
    await s?.close();
  });

  it('lists each (method, path) express serves', async () => {
    const mounted = mountedRoutes(s.app);
    // The walk itself works: routes of the app, of /api's routers and of routers mounted without a prefix.
    expect(mounted).toContain('GET /healthz');
    expect(mounted).toContain('POST /api/cases/{caseId}/hearings');
    expect(mounted).toContain('GET /api/meta');

    const doc = (await s.api('GET', '/api/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
    const documented = new Set(Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`)));
    expect(mounted.filter((r) => !documented.has(r)), 'mounted but missing from /api/openapi.json').toEqual([]);
    // And nothing documented that is not served.
    expect([...documented].filter((r) => !mounted.includes(r)), 'documented but not mounted').toEqual([]);
  });
});
