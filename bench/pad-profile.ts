import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Session } from 'node:inspector/promises';

/**
 * `npm run bench:pad -- --profile`: a V8 CPU profile of the main thread over the measured window only (from the first
 * keystroke to convergence; not the fixture, the baseline or the cold load), written to the temp folder. In the threads
 * mode that is the server's own work. Open it in Chrome's DevTools or any .cpuprofile viewer.
 */
export async function startProfile(): Promise<() => Promise<string>> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 500 });
  await session.post('Profiler.start');
  return async () => {
    const { profile } = await session.post('Profiler.stop');
    session.disconnect();
    const file = path.join(os.tmpdir(), `concord-pad-main-${process.pid}.cpuprofile`);
    fs.writeFileSync(file, JSON.stringify(profile));
    return file;
  };
}
