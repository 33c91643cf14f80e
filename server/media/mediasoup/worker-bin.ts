import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where the mediasoup worker is, without building anything (issue 13).
 *
 * mediasoup's npm package ships the worker's C++ sources; `npm run build:mediasoup` (build.ts) compiles them with our
 * patch against Debian's libraries into `<cache>/mediasoup-<version>-<key>/mediasoup-worker`, where the key hashes
 * the patch and the build options: a new patch or option builds again, a second `npm ci` finds the binary in place.
 */

/** The patch of each supported mediasoup version: patches/mediasoup-<version>.patch. */
export const PATCH_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'patches');

/** meson options of the build; part of the cache key. */
export const MESON_OPTIONS: readonly string[] = [
  '--buildtype=release',
  '-Db_ndebug=true',
  // Never fetch a subproject: every dependency comes from Debian (the patch replaces the subproject() calls).
  '--wrap-mode=nodownload',
  // Debian 12's liburing 2.3 is too old for the io_uring send path.
  '-Dms_disable_liburing=true',
];

export interface MediasoupPackage {
  /** node_modules/mediasoup */
  readonly dir: string;
  readonly version: string;
}

/** The installed mediasoup package, or undefined when npm left it out (an optional dependency whose install failed). */
export function findMediasoupPackage(): MediasoupPackage | undefined {
  const require = createRequire(import.meta.url);
  let main: string;
  try {
    main = require.resolve('mediasoup'); // <dir>/node/lib/index.js; package.json is not in its exports map
  } catch {
    return undefined;
  }
  const dir = path.resolve(path.dirname(main), '..', '..');
  const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: unknown; version?: unknown };
  if (pkg.name !== 'mediasoup' || typeof pkg.version !== 'string') return undefined;
  return { dir, version: pkg.version };
}

export function patchFile(version: string): string {
  return path.join(PATCH_DIR, `mediasoup-${version}.patch`);
}

/** The cache folder of one build: version, then 12 hex of SHA-256 over the patch and the meson options. */
export function buildDir(cacheDir: string, version: string, patch: Buffer): string {
  const key = createHash('sha256').update(patch).update('\0').update(MESON_OPTIONS.join(' ')).digest('hex').slice(0, 12);
  return path.join(cacheDir, `mediasoup-${version}-${key}`);
}

export type WorkerLocation =
  | { readonly ok: true; readonly bin: string; readonly version: string; readonly from: 'MEDIASOUP_WORKER_BIN' | 'cache' }
  | { readonly ok: false; readonly reason: string };

/**
 * The worker binary to run: MEDIASOUP_WORKER_BIN when given, else the cached build for the installed mediasoup.
 * `reason` is one line saying why there is none (and what would make one).
 */
export function locateMediasoupWorker(cfg: { readonly cacheDir: string; readonly workerBin: string | undefined }): WorkerLocation {
  const pkg = findMediasoupPackage();
  if (!pkg) {
    return {
      ok: false,
      reason:
        'mediasoup is not installed (an optional dependency: npm drops it when its install script fails; run `npm ci` with MEDIASOUP_WORKER_BIN set, as .ci/run does)',
    };
  }
  if (cfg.workerBin !== undefined) {
    return executable(cfg.workerBin)
      ? { ok: true, bin: cfg.workerBin, version: pkg.version, from: 'MEDIASOUP_WORKER_BIN' }
      : { ok: false, reason: `MEDIASOUP_WORKER_BIN=${cfg.workerBin} is not an executable file` };
  }
  const file = patchFile(pkg.version);
  if (!fs.existsSync(file)) {
    return { ok: false, reason: `no patch for mediasoup ${pkg.version} in ${PATCH_DIR} (the build supports the versions patched there)` };
  }
  const bin = path.join(buildDir(cfg.cacheDir, pkg.version, fs.readFileSync(file)), 'mediasoup-worker');
  return executable(bin)
    ? { ok: true, bin, version: pkg.version, from: 'cache' }
    : { ok: false, reason: `the mediasoup ${pkg.version} worker is not built (run \`npm run build:mediasoup\`; it would be ${bin})` };
}

function executable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}
