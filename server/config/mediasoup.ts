import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';

/**
 * Where the mediasoup worker lives (issue 13), read from the same cleaned environment as the rest of the config:
 * - MEDIASOUP_WORKER_BIN: a worker binary to use as it is (mediasoup's own variable; skips the build cache);
 * - CONCORD_MEDIASOUP_CACHE_DIR: the folder of built workers, outside node_modules so that `npm ci` keeps them
 *   (default `$XDG_CACHE_HOME/concord`, else `~/.cache/concord`); `npm run build:mediasoup` builds into
 *   `<cache>/mediasoup-<version>-<patch hash>/mediasoup-worker` (server/media/mediasoup/worker-bin.ts);
 * - CONCORD_MEDIASOUP_BUILD_JOBS: ninja -j of that build (default: the cores this process may use).
 */
export interface MediasoupConfig {
  readonly cacheDir: string;
  readonly workerBin: string | undefined;
  readonly buildJobs: number | undefined;
}

const absolute = z.string().refine((v) => path.isAbsolute(v), 'must be an absolute path');

const schema = z.object({
  MEDIASOUP_WORKER_BIN: absolute.optional(),
  CONCORD_MEDIASOUP_CACHE_DIR: absolute.optional(),
  CONCORD_MEDIASOUP_BUILD_JOBS: z.coerce.number().int().min(1).max(256).optional(),
  XDG_CACHE_HOME: z.string().optional(),
  HOME: z.string().optional(),
});

/** Returns the config or a list of `VAR: message` problems (the caller throws ConfigError with them). */
export function mediasoupConfig(env: Record<string, string>): MediasoupConfig | string[] {
  const parsed = schema.safeParse(env);
  if (!parsed.success) return parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
  const e = parsed.data;
  const xdg = e.XDG_CACHE_HOME && path.isAbsolute(e.XDG_CACHE_HOME) ? e.XDG_CACHE_HOME : undefined;
  const cacheDir = e.CONCORD_MEDIASOUP_CACHE_DIR ?? path.join(xdg ?? path.join(e.HOME ?? os.homedir(), '.cache'), 'concord');
  return Object.freeze({ cacheDir, workerBin: e.MEDIASOUP_WORKER_BIN, buildJobs: e.CONCORD_MEDIASOUP_BUILD_JOBS });
}
