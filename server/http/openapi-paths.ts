import type { OpenAPIRegistry, RouteConfig } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';

export type Security = Record<string, string[]>[];
export interface PathOptions {
  /** The JSON body's schema: the same object the route parses with. */
  body?: z.ZodType;
  query?: z.ZodType;
  /** Success status (default 200) and what it answers. */
  status?: 200 | 201 | 202;
  answers?: string;
  /** Content type of a non-JSON success answer (a file, WebVTT). */
  produces?: string;
  /** No bearer token needed. */
  public?: boolean;
}
export type AddPath = (method: 'get' | 'post' | 'put', path: string, summary: string, opts?: PathOptions) => void;

/**
 * `add(method, '/api/cases/{caseId}/…', summary, { body, query })` registers one path: its path parameters come from
 * the `{name}` segments (ids as strings), its body and query from the schemas the route validates with, the bearer
 * token unless `public`. One line per mounted route; test/integration/openapi-coverage.test.ts fails on a route
 * mounted without one.
 */
export function pathAdder(reg: OpenAPIRegistry, security: Security): AddPath {
  return (method, path, summary, opts = {}) => {
    const names = [...path.matchAll(/\{([A-Za-z0-9_]+)\}/g)].map((m) => m[1] as string);
    const request: NonNullable<RouteConfig['request']> = {};
    if (names.length > 0) request.params = z.object(Object.fromEntries(names.map((n) => [n, z.string()])));
    if (opts.body) request.body = { content: { 'application/json': { schema: opts.body } } };
    if (opts.query) request.query = opts.query as NonNullable<RouteConfig['request']>['query'];
    const description = opts.answers ?? 'ok';
    const ok = opts.produces ? { description, content: { [opts.produces]: { schema: z.string() } } } : { description };
    reg.registerPath({
      method, path, summary, request, ...(opts.public ? {} : { security }),
      responses: { [opts.status ?? 200]: ok },
    });
  };
}
