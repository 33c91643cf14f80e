/**
 * `npm run build:mediasoup [-- --required]`: builds the mediasoup worker into the cache (server/media/mediasoup/build.ts).
 *
 * - Already built for this version and patch: one line, exit 0, at once.
 * - Cannot be built here (mediasoup not installed, no patch for its version, Debian build packages missing): one line
 *   saying why, exit 0, and the werift engine stays in use; with --required (.ci/run) exit 1 instead.
 * - The build itself fails: the end of its log, exit 1.
 */
import { loadConfig } from '../config/index.js';
import { buildMediasoupWorker } from '../media/mediasoup/build.js';

const required = process.argv.includes('--required');
const config = loadConfig();
const result = await buildMediasoupWorker({
  cacheDir: config.mediasoup.cacheDir,
  ...(config.mediasoup.buildJobs !== undefined ? { jobs: config.mediasoup.buildJobs } : {}),
  progress: (line) => console.log(`build:mediasoup: ${line}`),
});
switch (result.status) {
  case 'cached':
    console.log(`build:mediasoup: worker already built: ${result.bin}`);
    break;
  case 'built':
    console.log(`build:mediasoup: worker built in ${result.seconds} s: ${result.bin}`);
    break;
  case 'unavailable':
    console.log(`build:mediasoup: mediasoup worker not built: ${result.reason}; the werift engine is used`);
    if (required) process.exitCode = 1;
    break;
  case 'failed':
    console.error(`build:mediasoup: the mediasoup worker build failed: ${result.reason}`);
    process.exitCode = 1;
    break;
}
