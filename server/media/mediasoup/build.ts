import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { missingBuildPackages } from './prerequisites.js';
import { buildDir, findMediasoupPackage, MESON_OPTIONS, patchFile } from './worker-bin.js';
import { processAlive } from '../../lib/process.js';

/**
 * Builds the mediasoup worker from the sources in its npm package (issue 13): copy node_modules/mediasoup/worker into
 * a scratch folder of the cache, apply our patch (patches/mediasoup-<version>.patch: Debian's libraries in place of
 * the subprojects, libsrtp 2, the DTLS BIO fix), `meson setup` + `ninja mediasoup-worker`, check the binary by
 * starting it through mediasoup's own API, then move it into `<cache>/mediasoup-<version>-<key>/`. Nothing is
 * downloaded: meson runs with --wrap-mode=nodownload and mediasoup's npm scripts (GitHub, pip) are never called.
 * A build already in the cache returns at once. The scratch folder is named after the cache key, so a build that was
 * interrupted resumes where it stopped (ninja is incremental); a second build:mediasoup while one runs says so and
 * leaves it alone.
 */
export type BuildResult =
  | { readonly status: 'cached' | 'built'; readonly bin: string; readonly seconds: number }
  | { readonly status: 'unavailable'; readonly reason: string }
  | { readonly status: 'failed'; readonly reason: string };

export interface BuildOptions {
  readonly cacheDir: string;
  /** ninja -j (default: the cores this process may use). */
  readonly jobs?: number;
  /** Progress lines (one per step). */
  readonly progress?: (line: string) => void;
}

export async function buildMediasoupWorker(opts: BuildOptions): Promise<BuildResult> {
  const started = process.hrtime.bigint();
  const seconds = () => Math.round(Number(process.hrtime.bigint() - started) / 1e8) / 10;
  const pkg = findMediasoupPackage();
  if (!pkg) {
    return { status: 'unavailable', reason: 'mediasoup is not installed (npm drops the optional dependency when its install script fails; run `npm ci` with MEDIASOUP_WORKER_BIN set, as .ci/run does)' };
  }
  const patch = patchFile(pkg.version);
  if (!fs.existsSync(patch)) return { status: 'unavailable', reason: `no patch for mediasoup ${pkg.version} (expected ${patch})` };
  const target = buildDir(opts.cacheDir, pkg.version, fs.readFileSync(patch));
  const bin = path.join(target, 'mediasoup-worker');
  if (fs.existsSync(bin)) return { status: 'cached', bin, seconds: seconds() };
  const missing = missingBuildPackages();
  if (missing.length > 0) {
    return { status: 'unavailable', reason: `missing Debian build packages: ${missing.join(' ')} (apt-get install ${missing.join(' ')})` };
  }

  const scratch = path.join(opts.cacheDir, `.build-${path.basename(target)}`);
  fs.mkdirSync(scratch, { recursive: true });
  const owner = takeOwnership(path.join(scratch, 'owner'));
  if (owner !== undefined) return { status: 'unavailable', reason: `another build:mediasoup is building it (pid ${owner}, in ${scratch})` };
  const log = path.join(scratch, 'build.log');
  const source = path.join(scratch, 'worker');
  const patched = path.join(scratch, 'patched');
  const out = path.join(scratch, 'out');
  const progress = opts.progress ?? (() => undefined);
  try {
    if (!fs.existsSync(patched)) {
      progress(`copying ${path.join(pkg.dir, 'worker')} and applying ${path.relative(process.cwd(), patch)}`);
      fs.rmSync(source, { recursive: true, force: true });
      fs.rmSync(out, { recursive: true, force: true });
      // Only what the tarball ships: leave out anything a previous install script may have left behind.
      const skip = new Set(['out', 'prebuild', 'pip_invoke', 'packagecache'].map((d) => path.join(pkg.dir, 'worker', d)));
      fs.cpSync(path.join(pkg.dir, 'worker'), source, { recursive: true, filter: (src) => !skip.has(src) });
      await run('patch', ['-p1', '--batch', '--forward', '-d', source, '-i', patch], log);
      fs.writeFileSync(patched, `${patch}\n`);
    }
    if (!fs.existsSync(path.join(out, 'build.ninja'))) {
      progress(`meson setup (${MESON_OPTIONS.join(' ')})`);
      fs.rmSync(out, { recursive: true, force: true });
      await run('meson', ['setup', out, source, ...MESON_OPTIONS], log);
    } else {
      progress(`resuming the interrupted build in ${scratch}`);
    }
    const jobs = opts.jobs ?? os.availableParallelism();
    progress(`ninja -j${jobs} mediasoup-worker (about 5 minutes on 2 idle cores; log: ${log})`);
    await run('ninja', ['-C', out, `-j${jobs}`, 'mediasoup-worker'], log);
    const built = path.join(out, 'mediasoup-worker');
    progress('starting the built worker through mediasoup');
    await checkWorker(built);
    fs.mkdirSync(target, { recursive: true });
    fs.copyFileSync(log, path.join(target, 'build.log'));
    const staged = path.join(target, `.mediasoup-worker-${process.pid}`);
    fs.copyFileSync(built, staged);
    fs.chmodSync(staged, 0o755);
    fs.renameSync(staged, bin);
    fs.rmSync(scratch, { recursive: true, force: true });
    return { status: 'built', bin, seconds: seconds() };
  } catch (err) {
    fs.rmSync(path.join(scratch, 'owner'), { force: true });
    const tail = fs.existsSync(log) ? fs.readFileSync(log, 'utf8').split('\n').slice(-25).join('\n') : '';
    return { status: 'failed', reason: `${err instanceof Error ? err.message : String(err)} (full log: ${log})\n${tail}` };
  }
}

/** Writes our pid into the owner file; returns the pid of a live other owner instead (then nothing is written). */
function takeOwnership(file: string): number | undefined {
  const other = fs.existsSync(file) ? Number(fs.readFileSync(file, 'utf8')) : NaN;
  if (Number.isInteger(other) && other > 0 && other !== process.pid && processAlive(other)) return other;
  fs.writeFileSync(file, String(process.pid));
  return undefined;
}


/** Runs one build command, its output appended to the log; rejects with the command line on a non-zero exit. */
function run(cmd: string, args: readonly string[], log: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const fd = fs.openSync(log, 'a');
    fs.writeSync(fd, `$ ${cmd} ${args.join(' ')}\n`);
    const child = spawn(cmd, args, { stdio: ['ignore', fd, fd] });
    child.on('error', (err) => {
      fs.closeSync(fd);
      reject(err);
    });
    child.on('exit', (code, signal) => {
      fs.closeSync(fd);
      if (code === 0) resolve();
      else reject(new Error(`${cmd} ${args[0] ?? ''} failed (${signal ?? `exit ${code}`})`));
    });
  });
}

/** The binary starts as mediasoup's worker, answers, and closes: a worker that cannot run is never cached. */
async function checkWorker(bin: string): Promise<void> {
  const { loadMediasoup } = await import('./load.js');
  const mediasoup = await loadMediasoup(bin);
  const worker = await mediasoup.createWorker({ logLevel: 'warn' });
  try {
    await worker.getResourceUsage();
  } finally {
    worker.close();
  }
}
