import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import type { Plugin } from 'vite';

/** Text files worth compressing; images and fonts are compressed already. */
const COMPRESSIBLE = /\.(?:js|mjs|css|html|svg|json|txt|map|webmanifest)$/;

/**
 * Writes `<file>.br` (brotli, quality 11) and `<file>.gz` (gzip, level 9) beside every text file of the build, so the
 * server negotiates Accept-Encoding without compressing on each request (server/http/static.ts). A variant that is
 * not smaller than the file (a tiny chunk) is not written: the server then sends the plain file.
 */
export function precompress(): Plugin {
  let outDir = '';
  return {
    name: 'concord-precompress',
    apply: 'build',
    configResolved(config) {
      outDir = path.resolve(config.root, config.build.outDir);
    },
    writeBundle(_options, bundle) {
      for (const fileName of Object.keys(bundle)) {
        if (!COMPRESSIBLE.test(fileName)) continue;
        const file = path.join(outDir, fileName);
        const plain = fs.readFileSync(file);
        const br = zlib.brotliCompressSync(plain, {
          params: {
            [zlib.constants.BROTLI_PARAM_QUALITY]: zlib.constants.BROTLI_MAX_QUALITY,
            [zlib.constants.BROTLI_PARAM_MODE]: zlib.constants.BROTLI_MODE_TEXT,
            [zlib.constants.BROTLI_PARAM_SIZE_HINT]: plain.length,
          },
        });
        const gz = zlib.gzipSync(plain, { level: zlib.constants.Z_BEST_COMPRESSION });
        if (br.length < plain.length) fs.writeFileSync(`${file}.br`, br);
        if (gz.length < plain.length) fs.writeFileSync(`${file}.gz`, gz);
      }
    },
  };
}
