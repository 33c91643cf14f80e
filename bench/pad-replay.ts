import { padFixture, RestartableServer, serverText } from '../test/pad/helpers.js';
import type { FromReplayer, Recording, ReplayStats, ToReplayer } from './pad-messages.js';
import { startProfile } from './pad-profile.js';
import { heap, measure } from './pad-run.js';
import { BenchThread } from './pad-thread.js';

export interface ReplayRun {
  /** Wall time from the first recorded update sent until every one is acknowledged as stored (the replay thread's clock). */
  ms: number;
  /** The server (main) thread over the replay: its own CPU time, its event loop's busy time and share. */
  serverCpuMs: number | null;
  serverBusyMs: number;
  serverUtilization: number;
  /** The replay clients' thread's own CPU time. */
  clientsCpuMs: number | null;
  /** Process CPU time over the replay, every thread. */
  processCpuMs: number;
  messages: number;
  stats: ReplayStats;
}

/**
 * `npm run bench:pad` (default mode), the replay pass: a fresh server (in the main thread) and agreement, and the
 * recording pass's `pad.update`s sent again by three lightweight clients in one worker thread (bench/pad-replayer.ts)
 * that count acknowledgements and broadcasts without a Y.Doc of their own. So the clock measures the server path alone:
 * checking, applying, storing in SQLite, broadcasting to two and acknowledging. Then the server's text, read through
 * its HTTP API, must be the recording's.
 */
export async function replayThroughServer(rec: Recording, profile: boolean): Promise<ReplayRun> {
  const srv = new RestartableServer('sqlite');
  const s = await srv.start();
  let thread: BenchThread<FromReplayer, ToReplayer> | null = null;
  try {
    const f = await padFixture(s, 1);
    const tokens = [f.participants.applicant.token, f.participants.respondent.token, f.participants.mediator.token];
    thread = new BenchThread<FromReplayer, ToReplayer>(new URL('./pad-replayer-entry.mjs', import.meta.url), {
      url: s.url, agreementId: f.agreementId, tokens, seeder: tokens.length - 1, recording: rec,
    }, 'replay');
    await thread.next('ready');
    heap();
    const profiling = profile ? await startProfile() : null;
    const stop = measure();
    thread.send({ type: 'go' });
    const done = await thread.next('done');
    const m = stop();
    if (profiling) console.log(`server thread profile of the replay: ${await profiling()}`);
    thread.send({ type: 'finish' });
    const text = await serverText(s, f.staffToken, f.agreementId);
    if (text !== rec.text) throw new Error(`the replayed text differs from the recording's (${text.length} against ${rec.text.length} characters)`);
    return {
      ms: done.ms, serverCpuMs: m.mainCpuMs, serverBusyMs: m.mainBusyMs, serverUtilization: m.mainUtilization, clientsCpuMs: done.cpuMs,
      processCpuMs: m.processCpuMs, messages: rec.authors.reduce((n, a) => n + a.sent.length, 0), stats: done.stats,
    };
  } finally {
    await thread?.terminate();
    await srv.cleanup();
  }
}
