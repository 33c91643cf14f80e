import type * as Mediasoup from 'mediasoup';

/**
 * Loads mediasoup for a given worker binary. mediasoup 3.19 reads MEDIASOUP_WORKER_BIN once, when its module is first
 * loaded (createWorker has no binary option), so the variable is set for the package here, just before the first
 * import; asking for another binary afterwards in the same process is an error rather than a silent mix.
 */
let loaded: { bin: string; module: Promise<typeof Mediasoup> } | undefined;

export function loadMediasoup(bin: string): Promise<typeof Mediasoup> {
  if (loaded) {
    if (loaded.bin !== bin) {
      return Promise.reject(new Error(`mediasoup is already loaded with the worker ${loaded.bin}; cannot switch to ${bin} in the same process`));
    }
    return loaded.module;
  }
  process.env['MEDIASOUP_WORKER_BIN'] = bin;
  loaded = { bin, module: import('mediasoup') };
  return loaded.module;
}
