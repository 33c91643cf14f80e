import os from 'node:os';
import { RestartableServer } from '../test/pad/helpers.js';
import { machine } from './lib.js';
import { fiftyPages } from './pad-cold.js';
import { throughServerInProcess } from './pad-inprocess.js';
import { replayThroughServer } from './pad-replay.js';
import { reportReplay, reportRun } from './pad-report.js';
import { bare } from './pad-run.js';
import { throughServerThreads } from './pad-threads.js';

/**
 * `npm run bench:pad`: a generated editing trace of OPS operations from three authors through the real server (it
 * checks, applies, stores in SQLite and broadcasts), against the same trace applied to one bare Y.Doc in the same run
 * (baseline). Modes:
 * - replay (the default; the server path issue 13 names): a recording pass, each author (the browser's PadProvider
 *   over socket.io and its trace generator) in its own worker thread as in `--threads`, captures every update each
 *   provider sends; then a fresh server and agreement get those messages again from three lightweight clients without
 *   a Y.Doc (bench/pad-replay.ts), timed from the first send until every update is acknowledged as stored;
 * - `--threads`: the end-to-end view, the authors typing in their own threads while timed (bench/pad-threads.ts);
 * - `--in-process`: the three authors in the server's thread (bench/pad-inprocess.ts).
 * Then the load time of a 50-page agreement from the store (bench/pad-cold.ts). `-- --quick` for a short run;
 * `-- --profile` for a CPU profile of the main (server) thread over the measured window (bench/pad-profile.ts).
 */
const quick = process.argv.includes('--quick');
const mode = process.argv.includes('--in-process') ? 'in-process' : process.argv.includes('--threads') ? 'threads' : 'replay';
const profile = process.argv.includes('--profile');
const OPS = quick ? 15_000 : 102_000;
const CHUNK = 400;

async function main(): Promise<void> {
  console.log(`bench:pad on ${machine()} (${mode}${quick ? ', quick' : ''})`);
  const srv = new RestartableServer('sqlite');
  await srv.start();
  try {
    const load0 = os.loadavg()[0]!;
    const opts = { ops: OPS, chunk: CHUNK, profile: profile && mode !== 'replay', record: mode === 'replay' };
    const run = mode === 'in-process' ? await throughServerInProcess(srv, opts) : await throughServerThreads(srv, opts);
    if (run.recording) {
      reportRun(run, null, load0);
      const loadReplay = os.loadavg()[0]!;
      const replay = await replayThroughServer(run.recording, profile);
      reportReplay(replay, run, bare(run.trace), loadReplay);
    } else reportRun(run, bare(run.trace), load0);
    console.log('\n50-page agreement: stored as many small updates, cold load after a restart');
    console.table(await fiftyPages(srv));
  } finally {
    await srv.cleanup();
  }
}

main().then(() => process.exit(0), (err) => {
  console.error(err);
  process.exit(1);
});
