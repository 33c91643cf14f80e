import { spawnSync } from 'node:child_process';

/**
 * The Debian packages the worker build needs (also installed by .ci/run's system step), checked before anything is
 * copied or compiled so that a machine without them gets one line naming them.
 */
const PROGRAMS: readonly (readonly [program: string, pkg: string])[] = [
  ['meson', 'meson'],
  ['ninja', 'ninja-build'],
  ['pkg-config', 'pkg-config'],
  ['c++', 'g++'],
  ['flatc', 'flatbuffers-compiler'],
  ['patch', 'patch'],
];

/** pkg-config modules the patched meson.build looks up, and their -dev packages. */
const MODULES: readonly (readonly [module: string, pkg: string])[] = [
  ['openssl', 'libssl-dev'],
  ['libuv', 'libuv1-dev'],
  ['libsrtp2', 'libsrtp2-dev'],
  ['usrsctp', 'libusrsctp-dev'],
  ['absl_flat_hash_map', 'libabsl-dev'],
  ['flatbuffers', 'libflatbuffers-dev'],
];

/** Every build package, in the order .ci/run lists them. */
export const BUILD_PACKAGES: readonly string[] = [...PROGRAMS.map(([, p]) => p), ...MODULES.map(([, p]) => p)];

function onPath(program: string): boolean {
  return spawnSync('sh', ['-c', 'command -v "$1"', 'sh', program], { stdio: 'ignore' }).status === 0;
}

/** The Debian packages that are missing (empty when the build can start). */
export function missingBuildPackages(): string[] {
  const missing = PROGRAMS.filter(([program]) => !onPath(program)).map(([, pkg]) => pkg);
  const hasPkgConfig = onPath('pkg-config');
  for (const [module, pkg] of MODULES) {
    if (!hasPkgConfig || spawnSync('pkg-config', ['--exists', module], { stdio: 'ignore' }).status !== 0) missing.push(pkg);
  }
  return [...new Set(missing)];
}
